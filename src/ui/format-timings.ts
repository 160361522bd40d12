/** The `--timings` table: one line per phase, its duration and when it ended. */
import type { PhaseTiming } from '../core/timing/phase-timings.js';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

export function timingLines(phases: readonly PhaseTiming[]): string[] {
  if (phases.length === 0) return ['timings: no phase was timed'];
  const subject = (p: PhaseTiming) => (p.detail ? `${p.subject} (${p.detail})` : p.subject);
  const phaseWidth = Math.max(...phases.map((p) => p.phase.length));
  const subjectWidth = Math.max(...phases.map((p) => subject(p).length));
  return [
    'timings (phase, what, took, ended at)',
    ...phases.map(
      (p) =>
        `  ${p.phase.padEnd(phaseWidth)}  ${subject(p).padEnd(subjectWidth)}  ${seconds(p.durationMs).padStart(8)}  ${seconds(p.endedAtMs).padStart(8)}`,
    ),
  ];
}
