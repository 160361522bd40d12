/** The top line: project, environment, branch, stack, engine endpoint, watch on/off. */
import { Box, Text } from 'ink';
import type { DashboardState } from '../dashboard-state.js';
import { HEADER_ONE_LINE } from '../layout.js';
import { useTone } from '../theme.js';

export interface HeaderProps {
  state: DashboardState;
  watching: boolean;
  width: number;
}

export function Header({ state, watching, width }: HeaderProps) {
  const tone = useTone();
  const field = (label: string, value: string | undefined) => (
    <Text>
      <Text dimColor>{label} </Text>
      <Text bold>{value ?? '…'}</Text>
      <Text dimColor> · </Text>
    </Text>
  );
  const watch = (
    <Text>
      <Text dimColor>watch </Text>
      <Text bold color={tone(watching ? 'green' : 'gray')}>
        {watching ? 'on' : 'off'}
      </Text>
    </Text>
  );
  const title = (
    <Text bold color={tone('cyan')}>
      devenv{' '}
    </Text>
  );
  if (width < HEADER_ONE_LINE)
    return (
      <Box width={width} height={2} flexDirection="column">
        <Text wrap="truncate-end">
          {title}
          {field('project', state.project)}
          {field('env', state.environment)}
          {field('branch', state.branch)}
          {watch}
        </Text>
        <Text wrap="truncate-end">
          {'       '}
          {field('stack', state.stack)}
          <Text dimColor>engine </Text>
          <Text bold>{state.endpoint ?? '…'}</Text>
        </Text>
      </Box>
    );
  return (
    <Box width={width} height={1}>
      <Text wrap="truncate-end">
        {title}
        {field('project', state.project)}
        {field('env', state.environment)}
        {field('branch', state.branch)}
        {field('stack', state.stack)}
        {field('engine', state.endpoint)}
        {watch}
      </Text>
    </Box>
  );
}
