/**
 * The last test run: trigger (which files, why these tests), counts,
 * duration, a spinner while running, failures with file:line, and the
 * history of the last runs. "tests: not configured" without a test controller.
 */
import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import type { RunSummary, TestRunView } from '../dashboard-state.js';
import { spinnerFrame, useTone } from '../theme.js';
import { formatClock, formatDuration } from '../units.js';

export interface TestsPanelProps {
  tests: { current?: TestRunView; history: readonly RunSummary[]; tool?: string };
  configured: boolean;
  now: number;
  frame: number;
  width: number;
  height: number;
}

const MARK: Record<TestRunView['state'], string> = { running: '…', passed: '✔', failed: '✖', cancelled: '⊘' };
const COLOR: Record<TestRunView['state'], string> = {
  running: 'yellow',
  passed: 'green',
  failed: 'red',
  cancelled: 'gray',
};

function why(run: TestRunView): string {
  const reasons = run.selected.slice(0, 3).map((s) => `${s.file}${s.reasons[0] ? ` (${s.reasons[0]})` : ''}`);
  const more = run.selected.length > 3 ? ` +${run.selected.length - 3} more` : '';
  return reasons.length ? `selected: ${reasons.join(', ')}${more}` : 'selected: no test files';
}

/** Files of a finished run that produced no result (a worker died, the run stalled). */
function notRun(run: TestRunView): string {
  const count = run.files.filter((file) => file.state === 'not-run').length;
  return count > 0 ? ` · ${count} not run` : '';
}

export function TestsPanel({ tests, configured, now, frame, width, height }: TestsPanelProps) {
  const tone = useTone();
  const run = tests.current;
  const lines: ReactNode[] = [];
  if (!run) {
    lines.push(
      <Text key="none" dimColor wrap="truncate">
        {configured
          ? `tests: no run yet${tests.tool ? ` (${tests.tool})` : ''} — t runs all, w toggles watch`
          : 'tests: not configured'}
      </Text>,
    );
  } else {
    const { passed, failed, skipped } = run.counts;
    const running = run.state === 'running';
    const duration = running ? now - run.startedAt : run.durationMs;
    lines.push(
      <Text key="summary" wrap="truncate">
        <Text bold>tests </Text>
        <Text color={tone(COLOR[run.state])} bold>
          {running ? spinnerFrame(frame) : MARK[run.state]} {running ? 'running' : run.state}
        </Text>
        {'  '}
        <Text color={tone('green')}>{passed} passed</Text>
        {' · '}
        <Text color={tone(failed ? 'red' : '')} bold={failed > 0}>
          {failed} failed
        </Text>
        {` · ${skipped} skipped`}
        {duration !== undefined ? ` · ${formatDuration(duration)}` : ''}
        {run.firstFailureMs !== undefined ? ` · first failure ${formatDuration(run.firstFailureMs)}` : ''}
        {running ? ` · ${run.files.length}/${run.selected.length} files` : ''}
        {notRun(run)}
        {run.cancelReason ? ` · ${run.cancelReason}` : ''}
        {tests.tool ? ` · ${tests.tool}` : ''}
      </Text>,
    );
    lines.push(
      <Text key="trigger" dimColor wrap="truncate">
        {`trigger: ${run.trigger.files.length ? run.trigger.files.join(', ') : '(none)'} — ${run.trigger.reason}`}
      </Text>,
    );
    const failureLines: ReactNode[] = [];
    for (const failure of run.failures) {
      const [first = '', second] = failure.message.split('\n');
      failureLines.push(
        <Text key={`f-${failureLines.length}`} wrap="truncate">
          <Text color={tone('red')}>{'✖ '}</Text>
          <Text bold>{failure.location ?? failure.file}</Text> {failure.test}
        </Text>,
      );
      failureLines.push(
        <Text key={`f-${failureLines.length}`} dimColor wrap="truncate">
          {`    ${first}${second !== undefined ? ` ⏎ ${second}` : ''}`}
        </Text>,
      );
      // The last two lines it printed, when it printed any.
      for (const line of (failure.output ?? []).slice(-2))
        failureLines.push(
          <Text key={`f-${failureLines.length}`} dimColor wrap="truncate">
            {`    │ ${line}`}
          </Text>,
        );
    }
    const history =
      tests.history.length > 0 ? (
        <Text key="history" dimColor wrap="truncate">
          {'history: '}
          {tests.history
            .slice()
            .reverse()
            .map(
              (h) =>
                `${formatClock(h.finishedAt)} ${MARK[h.state]} ${h.counts.passed}/${h.counts.failed}/${h.counts.skipped}`,
            )
            .join('   ')}
        </Text>
      ) : undefined;
    const room = height - lines.length - (history ? 1 : 0);
    lines.push(...failureLines.slice(0, Math.max(0, room)));
    if (history) lines.push(history);
    if (lines.length < height)
      lines.push(
        <Text key="why" dimColor wrap="truncate">
          {why(run)}
        </Text>,
      );
  }
  return (
    <Box flexDirection="column" width={width} height={height}>
      {lines.slice(0, height)}
    </Box>
  );
}
