/** The latest info or warning (plan notes, watch changes, what a key did). */
import { Box, Text } from 'ink';
import type { Notice } from '../dashboard-state.js';
import { useTone } from '../theme.js';
import { formatClock } from '../units.js';

export function NoticeLine({ notice, width }: { notice: Notice; width: number }) {
  const tone = useTone();
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate">
        <Text dimColor>{formatClock(notice.time)} </Text>
        <Text color={tone(notice.level === 'warning' ? 'yellow' : 'blue')}>
          {notice.level === 'warning' ? 'warning ' : 'note '}
        </Text>
        {notice.message}
      </Text>
    </Box>
  );
}
