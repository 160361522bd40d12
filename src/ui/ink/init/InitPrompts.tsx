/**
 * `devenv init` on a terminal: asks for what the flags did not say, one question at a time
 * (project name, template, git init). Enter takes the default shown; Esc or Ctrl-C cancels.
 */
import { Box, Text, useInput, type Key } from 'ink';
import { useEffect, useReducer } from 'react';
import type { InitTemplate } from '../../../core/scaffold/template-catalog.js';

export interface InitAnswers {
  name: string;
  template: string;
  git: boolean;
}

export interface InitPromptsProps {
  templates: readonly InitTemplate[];
  /** The answers when nothing is typed; also the ones not asked. */
  defaults: InitAnswers;
  /** Which questions to ask (the flags answered the others). */
  ask: { name: boolean; template: boolean; git: boolean };
  onDone(answers: InitAnswers): void;
  onCancel(): void;
}

type Step = 'name' | 'template' | 'git' | 'done';

interface PromptState {
  step: Step;
  name: string;
  selected: number;
  git: boolean;
  cancelled: boolean;
}

interface KeyPress {
  input: string;
  key: Pick<Key, 'return' | 'escape' | 'ctrl' | 'meta' | 'backspace' | 'delete' | 'upArrow' | 'downArrow'>;
}

function nextStep(after: Step | undefined, ask: InitPromptsProps['ask']): Step {
  const order = ['name', 'template', 'git'] as const;
  const start = after === undefined ? 0 : order.indexOf(after as (typeof order)[number]) + 1;
  return order.slice(start).find((step) => ask[step]) ?? 'done';
}

/** One key press on the current question (a reducer: every press sees the state the last one left). */
function pressed(
  state: PromptState,
  { input, key }: KeyPress,
  ask: InitPromptsProps['ask'],
  count: number,
): PromptState {
  if (state.step === 'done' || state.cancelled) return state;
  if (key.escape || (key.ctrl && input === 'c')) return { ...state, cancelled: true };
  const advance = (changes: Partial<PromptState> = {}) => ({
    ...state,
    ...changes,
    step: nextStep(state.step, ask),
  });
  switch (state.step) {
    case 'name':
      if (key.return) return advance();
      if (key.backspace || key.delete) return { ...state, name: state.name.slice(0, -1) };
      if (!key.ctrl && !key.meta && input !== '') return { ...state, name: state.name + input };
      return state;
    case 'template':
      if (key.upArrow || input === 'k') return { ...state, selected: Math.max(0, state.selected - 1) };
      if (key.downArrow || input === 'j')
        return { ...state, selected: Math.min(count - 1, state.selected + 1) };
      return key.return ? advance() : state;
    case 'git':
      if (input === 'y' || input === 'Y') return advance({ git: true });
      if (input === 'n' || input === 'N') return advance({ git: false });
      return key.return ? advance() : state;
  }
}

export function InitPrompts({ templates, defaults, ask, onDone, onCancel }: InitPromptsProps) {
  const [state, dispatch] = useReducer(
    (current: PromptState, press: KeyPress) => pressed(current, press, ask, templates.length),
    undefined,
    (): PromptState => ({
      step: nextStep(undefined, ask),
      name: '',
      selected: Math.max(
        0,
        templates.findIndex((template) => template.name === defaults.template),
      ),
      git: defaults.git,
      cancelled: false,
    }),
  );
  const { step, name, selected, git } = state;
  const answers: InitAnswers = {
    name: name.trim() === '' ? defaults.name : name.trim(),
    template: templates[selected]?.name ?? defaults.template,
    git,
  };
  const finished = step === 'done' || state.cancelled;
  useEffect(() => {
    if (state.cancelled) onCancel();
    else if (step === 'done') onDone(answers);
    // Once, when the questions end.
  }, [finished]);

  useInput((input, key) => dispatch({ input, key }));

  if (finished) return null;
  return (
    <Box flexDirection="column">
      {ask.name && (
        <Text>
          <Text bold>Project name</Text> <Text dimColor>({defaults.name})</Text>:{' '}
          {step === 'name' ? <Text>{name}▌</Text> : <Text>{answers.name}</Text>}
        </Text>
      )}
      {ask.template && step !== 'name' && (
        <Box flexDirection="column">
          <Text bold>Template</Text>
          {templates.map((template, index) =>
            step === 'template' || index === selected ? (
              <Text key={template.name} wrap="truncate-end">
                {index === selected ? '› ' : '  '}
                <Text bold={index === selected}>{template.name}</Text>
                <Text dimColor> {template.summary}</Text>
              </Text>
            ) : null,
          )}
        </Box>
      )}
      {step === 'git' && (
        <Text>
          <Text bold>Run git init?</Text> {git ? 'Y/n' : 'y/N'}
        </Text>
      )}
      <Text dimColor>
        {step === 'template' ? '↑/↓ choose · enter confirm · esc cancel' : 'enter confirm · esc cancel'}
      </Text>
    </Box>
  );
}
