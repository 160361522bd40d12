/**
 * The environments a stack's own resources name (their dev.devenv.environment label; dev when
 * absent): `--stack NAME` addresses a stack whatever --env says, so a protected environment's
 * stack is recognised by what it carries, not by the flags.
 */
import { stackFacts } from '../core/stack/label-facts.js';
import type { AppContext } from './context.js';

export async function labelledEnvironments(ctx: AppContext, stack: string): Promise<string[]> {
  const observed = await (await ctx.backend()).observe(stack);
  const names = [
    ...observed.containers.map((container) => container.facts.environment),
    ...[...observed.networks, ...observed.volumes].map((resource) => stackFacts(resource.labels).environment),
  ];
  return [...new Set(names)].sort();
}
