/**
 * `devenv init` on a terminal: asks for what the flags did not say, one question at a time
 * (project name, template, git init). Enter takes the default shown; Esc or Ctrl-C cancels.
 */
import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
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

function nextStep(after: Step | undefined, ask: InitPromptsProps['ask']): Step {
  const order: Step[] = ['name', 'template', 'git'];
  const start = after === undefined ? 0 : order.indexOf(after) + 1;
  return order.slice(start).find((step) => step !== 'done' && ask[step as keyof typeof ask]) ?? 'done';
}

export function InitPrompts({ templates, defaults, ask, onDone, onCancel }: InitPromptsProps) {
  const [step, setStep] = useState<Step>(() => nextStep(undefined, ask));
  const [name, setName] = useState('');
  const [selected, setSelected] = useState(() =>
    Math.max(
      0,
      templates.findIndex((template) => template.name === defaults.template),
    ),
  );
  const [git, setGit] = useState(defaults.git);

  const answers = (overrides: Partial<InitAnswers> = {}): InitAnswers => ({
    name: name.trim() === '' ? defaults.name : name.trim(),
    template: templates[selected]?.name ?? defaults.template,
    git,
    ...overrides,
  });
  const advance = (overrides: Partial<InitAnswers> = {}) => {
    const next = nextStep(step, ask);
    setStep(next);
    if (next === 'done') onDone(answers(overrides));
  };

  useInput((input, key) => {
    if (key.escape || (key.ctrl && input === 'c')) return onCancel();
    if (step === 'name') {
      if (key.return) return advance();
      if (key.backspace || key.delete) return setName((text) => text.slice(0, -1));
      if (!key.ctrl && !key.meta && input !== '') setName((text) => text + input);
      return;
    }
    if (step === 'template') {
      if (key.upArrow || input === 'k') setSelected((index) => Math.max(0, index - 1));
      else if (key.downArrow || input === 'j') setSelected((index) => Math.min(templates.length - 1, index + 1));
      else if (key.return) advance();
      return;
    }
    if (step === 'git') {
      if (input === 'y' || input === 'Y') {
        setGit(true);
        return advance({ git: true });
      }
      if (input === 'n' || input === 'N') {
        setGit(false);
        return advance({ git: false });
      }
      if (key.return) advance();
    }
  });

  if (step === 'done') return null;
  return (
    <Box flexDirection="column">
      {ask.name && (
        <Text>
          <Text bold>Project name</Text> <Text dimColor>({defaults.name})</Text>:{' '}
          {step === 'name' ? <Text>{name}▌</Text> : <Text>{answers().name}</Text>}
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
