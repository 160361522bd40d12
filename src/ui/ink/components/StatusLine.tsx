/** The bottom line: the keys, or what is being typed after `/`, or what the dashboard is doing on its way out. */
import { Box, Text } from 'ink';
import type { ViewState } from '../keymap.js';
import { useTone } from '../theme.js';

export interface StatusLineProps {
  view: ViewState;
  width: number;
  ephemeral: boolean;
}

const KEYS_LONG =
  '↑↓/jk select · ⏎/l logs · a all · / search · r restart · b rebuild · t tests · f failed · w watch · e env · d down · ? help · q quit';
const KEYS_SHORT = 'r restart b rebuild t tests f failed w watch e env d down / find ? help q quit';

export function StatusLine({ view, width, ephemeral }: StatusLineProps) {
  const tone = useTone();
  let content;
  if (view.leaving === 'quit')
    content = (
      <Text color={tone('yellow')}>
        {ephemeral ? 'quitting: removing the ephemeral stack…' : 'quitting: the stack keeps running…'}
      </Text>
    );
  else if (view.leaving === 'down')
    content = <Text color={tone('yellow')}>removing the stack and its volumes…</Text>;
  else if (view.searchDraft !== undefined)
    content = (
      <Text>
        <Text bold>/</Text>
        {view.searchDraft}
        <Text inverse> </Text>
        <Text dimColor> enter search · esc cancel</Text>
      </Text>
    );
  else content = <Text dimColor>{width >= KEYS_LONG.length ? KEYS_LONG : KEYS_SHORT}</Text>;
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">{content}</Text>
    </Box>
  );
}
