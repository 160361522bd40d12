/** `?`: every key and what it does. */
import { Box, Text } from 'ink';

export const HELP_KEYS: [string, string][] = [
  ['↑ ↓  j k', 'select a service'],
  ['enter  l', "the selected service's logs"],
  ['a', 'all services’ logs'],
  ['/', 'search the logs (esc clears)'],
  ['PgUp PgDn g G', 'scroll the logs; G follows the tail'],
  ['r', 'restart the selected service'],
  ['b', 'rebuild the selected service (recreated only if changed)'],
  ['t', 'run all tests'],
  ['f', 'rerun failed tests'],
  ['w', 'toggle watch mode'],
  ['e', 'the host environment (devenv env), secrets masked'],
  ['x', 'dismiss the error banner'],
  ['d', 'down: remove the stack with its volumes, then quit (asks first)'],
  ['q  Ctrl-C', 'quit; the stack keeps running unless it is ephemeral'],
  ['?', 'this help (any key closes it)'],
];

export function HelpOverlay({ width, height }: { width: number; height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" paddingX={1}>
      <Text bold>Keys</Text>
      {HELP_KEYS.slice(0, Math.max(0, height - 3)).map(([keys, what]) => (
        <Text key={keys} wrap="truncate">
          <Text bold>{keys.padEnd(15)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
