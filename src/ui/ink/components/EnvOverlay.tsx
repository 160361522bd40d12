/** `e`: the stack's host environment as `devenv env` prints it, secrets masked. */
import { Box, Text } from 'ink';

export interface EnvOverlayProps {
  env?: Record<string, string>;
  width: number;
  height: number;
}

export function EnvOverlay({ env, width, height }: EnvOverlayProps) {
  const entries = Object.entries(env ?? {});
  const room = Math.max(0, height - 3);
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="round" paddingX={1}>
      <Text bold wrap="truncate">
        Host environment (devenv env; secrets masked — unmasked: devenv env --show-secrets)
      </Text>
      {entries.length === 0 ? <Text dimColor>not known until the stack is ready</Text> : null}
      {entries.slice(0, room).map(([key, value]) => (
        <Text key={key} wrap="truncate">
          <Text bold>{key}</Text>={value}
        </Text>
      ))}
      {entries.length > room && room > 0 ? <Text dimColor>… {entries.length - room} more</Text> : null}
    </Box>
  );
}
