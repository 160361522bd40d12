/** An error as a banner: what happened and what to do, never a stack trace. */
import { Box, Text } from 'ink';
import type { Banner } from '../dashboard-state.js';
import { useTone } from '../theme.js';

export function ErrorBanner({ banner, width }: { banner: Banner; width: number }) {
  const tone = useTone();
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate" bold color={tone('red')} inverse={!tone('red')}>
        {`✖ ${banner.message}`}
      </Text>
      {banner.hint ? (
        <Text wrap="truncate">
          {'  → '}
          {banner.hint}
          <Text dimColor> (x dismisses)</Text>
        </Text>
      ) : null}
    </Box>
  );
}
