/** `d` asks first: down removes the stack's containers, networks and volumes. */
import { Box, Text } from 'ink';
import { useTone } from '../theme.js';

export function ConfirmDialog({ stack, width }: { stack?: string; width: number }) {
  const tone = useTone();
  return (
    <Box flexDirection="column" width={width} borderStyle="round" borderColor={tone('red')} paddingX={1}>
      <Text bold wrap="truncate">
        Remove stack {stack ?? '(resolving)'} with its containers, networks and volumes, then quit?
      </Text>
      <Text>
        <Text bold>y</Text> yes · any other key: no
      </Text>
    </Box>
  );
}
