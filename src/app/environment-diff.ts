/**
 * `devenv diff A B`: both environments' models resolved (no engine is reached) and compared
 * by the parity gate (core/parity/compare-environments.ts) with devenv.yaml `parity.allow`.
 */
import { compareEnvironments, type ParityReport } from '../core/parity/compare-environments.js';
import type { AppContext } from './context.js';
import { resolveStackTarget, type StackOptions } from './stack-target.js';

export async function diffEnvironments(
  ctx: AppContext,
  options: Omit<StackOptions, 'environment'>,
  a: string,
  b: string,
): Promise<ParityReport> {
  const allow = ctx.project.devenvConfig(ctx.cwd).parity?.allow ?? [];
  const [left, right] = await Promise.all([
    resolveStackTarget(ctx, { ...options, environment: a }),
    resolveStackTarget(ctx, { ...options, environment: b }),
  ]);
  return compareEnvironments(left.project, right.project, allow);
}
