import { describe, expect, it } from 'vitest';
import { TestsPanel } from '../../../src/ui/ink/components/TestsPanel.js';
import type { DevenvEvent, TestFailure } from '../../../src/app/events.js';
import { SECRET, T0, ev, stateOf } from '../fixtures.js';
import { frameOf } from './render.js';

function panel(events: DevenvEvent[], configured = true, height = 8) {
  const state = stateOf(events);
  return frameOf(
    <TestsPanel
      tests={state.tests}
      configured={configured}
      now={T0 + 3000}
      frame={2}
      width={100}
      height={height}
    />,
  );
}

const started = ev({
  type: 'test.run.started',
  runId: 'r1',
  trigger: { files: ['src/db.ts'], reason: 'file changed' },
  selected: [{ file: 'test/db.test.ts', kind: 'integration', reasons: ['imports src/db.ts'] }],
});
const failedFileWith = (failures: TestFailure[]) =>
  ev(
    {
      type: 'test.file.result',
      runId: 'r1',
      result: {
        file: 'test/db.test.ts',
        kind: 'integration',
        state: 'fail',
        durationMs: 100,
        tests: { passed: 4, failed: 1, skipped: 2 },
        failures,
      },
    },
    800,
  );
const failedFile = failedFileWith([
  { test: 'users > inserts', message: 'expected 1 to be 2\n  at line', location: 'test/db.test.ts:42' },
]);
const finished = ev(
  {
    type: 'test.run.finished',
    runId: 'r1',
    counts: { passed: 4, failed: 1, skipped: 2 },
    durationMs: 1500,
    firstFailureMs: 800,
    files: [{ file: 'test/db.test.ts', state: 'fail' }],
  },
  1500,
);

describe('TestsPanel', () => {
  it('says when tests are not configured', () => {
    expect(panel([], false)).toBe('tests: not configured');
  });

  it('invites a first run when configured', () => {
    expect(panel([])).toBe('tests: no run yet — t runs all, w toggles watch');
  });

  it('shows a spinner, counts and elapsed time while running, with the trigger', () => {
    const lines = panel([started]).split('\n');
    expect(lines[0]).toBe('tests ⠹ running  0 passed · 0 failed · 0 skipped · 3.0s · 0/1 files');
    expect(lines[1]).toBe('trigger: src/db.ts — file changed');
    expect(lines[2]).toBe('selected: test/db.test.ts (imports src/db.ts)');
  });

  it('shows the result, failures with file:line and the first lines of the message, and the history', () => {
    const lines = panel([started, failedFile, finished]).split('\n');
    expect(lines).toEqual(
      [
        'tests ✖ failed  4 passed · 1 failed · 2 skipped · 1.5s · first failure 0.8s',
        'trigger: src/db.ts — file changed',
        '✖ test/db.test.ts:42 users > inserts',
        '    expected 1 to be 2 ⏎   at line',
        'history: 03:04:06 ✖ 4/1/2',
        'selected: test/db.test.ts (imports src/db.ts)',
      ].map((line) =>
        line.startsWith('history') ? expect.stringMatching(/^history: \d\d:\d\d:\d\d ✖ 4\/1\/2$/) : line,
      ) as string[],
    );
  });

  it('shows the last two lines a failing test printed, secrets masked', () => {
    const printing = failedFileWith([
      {
        test: 'users > inserts',
        message: 'expected 1 to be 2',
        output: ['connecting', `password=${SECRET}`, 'inserted 0 rows'],
      },
    ]);
    const lines = panel([started, printing, finished], true, 12).split('\n');
    expect(lines).toContain('    │ password=****');
    expect(lines).toContain('    │ inserted 0 rows');
    expect(lines.join('\n')).not.toContain('connecting');
  });

  it('keeps to its height', () => {
    expect(panel([started, failedFile, finished], true, 2).split('\n')).toHaveLength(2);
  });
});
