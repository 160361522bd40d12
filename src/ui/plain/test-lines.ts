/** Plain lines for watch mode and test runs (files.changed, watcher.*, test.*). */
import type { DevenvEvent } from '../../app/events.js';
import type { Palette } from '../colors.js';
import { formatTestTool } from '../format-test-tool.js';

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
      | 'test.run.cancelled';
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
      const ok = event.counts.failed === 0 && !event.files.some((file) => file.state === 'fail');
      const skippedFiles = event.files.filter((file) => file.state === 'skip').length;
      return [
        `${ok ? p.paint(32, '✔') : p.paint(31, '✗')} ${event.runId}: ${event.counts.passed} passed, ${event.counts.failed} failed, ${event.counts.skipped} skipped in ${plural(event.files.length, 'file')}${skippedFiles ? ` (${skippedFiles} not run)` : ''} (${ms(event.durationMs)}${event.firstFailureMs === undefined ? '' : `; first failure after ${ms(event.firstFailureMs)}`})`,
      ];
    }
    case 'test.run.cancelled':
      return [`${p.paint(33, 'test')}    ${event.runId} cancelled: ${event.reason}`];
  }
}
