/**
 * What every stack backend does around its own node runner: walk the plan graph
 * (core/plan/walk-plan.ts), return the services it applied in the spec's order,
 * and turn an interruption into one INTERRUPTED error that says what is left.
 */
import type { AppliedService, StackSpec } from '../../contracts/stack-backend.js';
import { DevenvError } from '../../core/errors.js';
import type { PlanNode } from '../../core/plan/plan-graph.js';
import { walkPlan, type NodeProgress } from '../../core/plan/walk-plan.js';

export async function walkToApplied(
  spec: StackSpec,
  plan: readonly PlanNode[],
  runNode: (node: PlanNode, progress: NodeProgress) => Promise<AppliedService | undefined>,
  signal: AbortSignal,
): Promise<AppliedService[]> {
  try {
    const results = await walkPlan(plan, runNode, signal);
    const applied = [...results.values()].filter((result): result is AppliedService => result !== undefined);
    const order = [...spec.services.keys()];
    return applied.sort((a, b) => order.indexOf(a.service) - order.indexOf(b.service));
  } catch (error) {
    if (signal.aborted)
      throw new DevenvError('INTERRUPTED', 'Interrupted; what was created carries the stack labels.', {
        hint: 'Run `devenv down` to remove it.',
      });
    throw error;
  }
}
