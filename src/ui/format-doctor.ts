/** `devenv doctor`'s plain output: one block per check (verdict, what was seen, the fix, what --fix did). */
import type { DoctorCheck, DoctorSummary, Verdict } from '../core/doctor/checks.js';
import type { Palette } from './colors.js';

const MARKS: Record<Verdict, { text: string; color: number }> = {
  ok: { text: 'ok  ', color: 32 },
  warn: { text: 'warn', color: 33 },
  fail: { text: 'FAIL', color: 31 },
};

export function formatDoctorCheck(check: DoctorCheck, p: Palette): string[] {
  const mark = MARKS[check.verdict];
  const lines = [`${p.paint(mark.color, mark.text)}  ${p.paint(1, check.title)}: ${check.seen}`];
  if (check.fixed !== undefined) lines.push(`      fixed: ${check.fixed}`);
  if (check.fix !== undefined) lines.push(`      fix: ${check.fix}`);
  return lines;
}

export function formatDoctorSummary(summary: DoctorSummary, fixing: boolean): string {
  const counts = `${summary.ok} ok, ${summary.warn} warn, ${summary.fail} fail`;
  if (summary.fail > 0)
    return `${counts}: fix what failed${fixing ? '' : ' (`devenv doctor --fix` applies the safe fixes)'}, then run \`devenv doctor\` again.`;
  return summary.warn > 0
    ? `${counts}: devenv can run; the warnings say what may bite later.`
    : `${counts}: ready.`;
}
