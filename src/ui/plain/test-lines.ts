/** Plain lines for watch mode and test runs (files.changed, watcher.*, test.*). */
import type { DevenvEvent } from '../../app/events.js';
import type { Palette } from '../colors.js';
import { formatTestTool } from '../format-test-tool.js';
import { runFailed } from '../../core/testing/run-summary.js';

type TestEvent = Extract<
  DevenvEvent,
  {
    type:
      | 'watcher.ready'
      | 'test.runner'
      | 'files.changed'
      | 'test.run.started'
      | 'test.file.result'
      | 'test.run.finished'
      | 'test.run.cancelled'
      | 'test.run.error';
  }
>;

function ms(duration: number): string {
  return duration < 1000 ? `${duration} ms` : `${(duration / 1000).toFixed(1)} s`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function testEventLines(event: TestEvent, p: Palette): string[] {
  switch (event.type) {
    case 'watcher.ready':
      return [
        `${p.paint(2, 'watch')}   watching ${event.root} (${event.watched} entries); save a file to run its tests`,
      ];
    case 'test.runner':
      return [`${p.paint(1, 'test')}    tests run with ${formatTestTool(event)}`];
    case 'files.changed':
      return [`${p.paint(2, 'watch')}   changed: ${event.files.join(', ')}`];
    case 'test.run.started': {
      const lines = [
        `${p.paint(1, 'test')}    ${event.runId}: ${plural(event.selected.length, 'file')} (${event.trigger.reason}${event.trigger.files.length ? `: ${event.trigger.files.join(', ')}` : ''})`,
      ];
      for (const file of event.selected)
        lines.push(`          ${file.file} [${file.kind}] ${p.paint(2, `<- ${file.reasons.join('; ')}`)}`);
      return lines;
    }
    case 'test.file.result': {
      const { result } = event;
      const mark =
        result.state === 'pass'
          ? p.paint(32, 'PASS')
          : result.state === 'fail'
            ? p.paint(31, 'FAIL')
            : result.state === 'not-run'
              ? p.paint(33, 'NORUN')
              : p.paint(33, 'SKIP');
      const lines = [
        `${mark}    ${result.file} (${result.tests.passed} passed, ${result.tests.failed} failed, ${result.tests.skipped} skipped; ${ms(result.durationMs)})`,
      ];
      for (const failure of result.failures) {
        lines.push(
          `          ${p.paint(31, '✗')} ${failure.test}: ${failure.message}${failure.location ? ` (${failure.location})` : ''}`,
        );
        for (const line of failure.output ?? []) lines.push(`            │ ${line}`);
      }
      return lines;
    }
    case 'test.run.finished': {
      const ok = !runFailed(event.counts, event.files, event.errors ?? 0);
      const notRun = event.files.filter((file) => file.state === 'not-run');
      const skippedFiles = event.files.filter((file) => file.state === 'skip').length;
      const notes = [
        ...(skippedFiles ? [`${skippedFiles} skipped`] : []),
        ...(notRun.length ? [`${notRun.length} not run`] : []),
        ...(event.errors ? [plural(event.errors, 'error') + ' outside tests'] : []),
      ];
      const lines = [
        `${ok ? p.paint(32, '✔') : p.paint(31, '✗')} ${event.runId}: ${event.counts.passed} passed, ${event.counts.failed} failed, ${event.counts.skipped} skipped in ${plural(event.files.length, 'file')}${notes.length ? ` (${notes.join(', ')})` : ''} (${ms(event.durationMs)}${event.firstFailureMs === undefined ? '' : `; first failure after ${ms(event.firstFailureMs)}`})`,
      ];
      const shown = notRun.slice(0, 10).map((file) => file.file);
      if (notRun.length > 0)
        lines.push(
          `          ${p.paint(33, 'not run:')} ${shown.join(', ')}${notRun.length > shown.length ? `, +${notRun.length - shown.length} more` : ''}`,
        );
      return lines;
    }
    case 'test.run.error': {
      const label = { crash: 'CRASH', unhandled: 'ERROR', stall: 'STALL' }[event.kind];
      return [
        `${p.paint(31, label.padEnd(5))}   ${event.runId}${event.files.length ? ` ${event.files.join(', ')}` : ''}: ${event.message}`,
      ];
    }
    case 'test.run.cancelled':
      return [`${p.paint(33, 'test')}    ${event.runId} cancelled: ${event.reason}`];
  }
}
