/**
 * `pull_policy`: always, never, missing (if_not_present), build, and the
 * refresh forms daily, weekly and every_<duration> (e.g. every_12h, every_2d,
 * every_1w30m), as compose reads them.
 */
import type { PullPolicySpec } from './model.js';
import { SyntaxProblem } from './syntax-problem.js';

const DAY_MS = 24 * 3_600_000;
const UNIT_MS: Record<string, number> = {
  w: 7 * DAY_MS,
  d: DAY_MS,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};
const PART = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/y;

function everyMs(text: string): number | undefined {
  if (text === '') return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (!match) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
  }
  return Number.isFinite(total) && total > 0 ? total : undefined;
}

export function parsePullPolicy(written: string): PullPolicySpec {
  switch (written) {
    case 'always':
    case 'never':
    case 'missing':
    case 'build':
      return { policy: written };
    case 'if_not_present':
      return { policy: 'missing' };
    case 'daily':
      return { policy: 'refresh', written, everyMs: DAY_MS };
    case 'weekly':
      return { policy: 'refresh', written, everyMs: 7 * DAY_MS };
  }
  const every = written.startsWith('every_') ? everyMs(written.slice('every_'.length)) : undefined;
  if (every !== undefined) return { policy: 'refresh', written, everyMs: every };
  throw new SyntaxProblem(
    `invalid pull_policy "${written}": use always, never, missing, if_not_present, build, daily, weekly or every_<duration> (e.g. every_12h, every_2d)`,
  );
}

/** The policy as compose writes it (`missing` for if_not_present). */
export function pullPolicyText(spec: PullPolicySpec): string {
  return spec.policy === 'refresh' ? spec.written : spec.policy;
}
