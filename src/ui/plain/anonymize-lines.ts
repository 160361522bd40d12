/** The plain lines of `devenv db anonymize`'s events. */
import type { DevenvEvent } from '../../app/events.js';
import type { Palette } from '../colors.js';

type AnonymizeEvent = Extract<DevenvEvent, { type: 'anonymize.step' | 'anonymize.check' | 'anonymize.done' }>;

const STEP_WORDS: Record<Extract<AnonymizeEvent, { type: 'anonymize.step' }>['step'], [string, string]> = {
  scratch: ['starting a scratch Postgres', 'scratch Postgres ready'],
  restore: ['restoring', 'restored'],
  mask: ['sampling and masking', 'masked'],
  verify: ['checking the result', 'checked'],
  dump: ['writing the anonymized dump', 'written'],
  cleanup: ['removing the scratch Postgres', 'scratch Postgres removed'],
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function anonymizeEventLines(event: AnonymizeEvent, p: Palette): string[] {
  switch (event.type) {
    case 'anonymize.step': {
      const [starting, done] = STEP_WORDS[event.step];
      const detail = event.detail === undefined ? '' : `: ${event.detail}`;
      return event.state === 'started'
        ? [`${p.paint(2, 'step')}    ${starting}${detail}`]
        : [`${p.paint(32, 'done')}    ${done}${detail} (${seconds(event.durationMs ?? 0)})`];
    }
    case 'anonymize.check':
      return [
        `${event.passed ? p.paint(32, 'check') : p.paint(31, 'FAILED')}   ${event.check}: ${event.summary}`,
        ...event.problems.map((problem) => `          ${problem}`),
      ];
    case 'anonymize.done':
      return [
        `${p.paint(1, 'devenv')} anonymized dump ${event.output} (${event.bytes} bytes, ${event.tables} tables, ${event.rowsMasked} rows masked, ${event.rowsDeleted} deleted) in ${seconds(event.durationMs)}`,
        `        stamped with the checks: ${event.checks.join(', ')}${event.report ? `; report: ${event.report}` : ''}`,
      ];
  }
}
