/**
 * Finding a stack from its labels alone, for commands that only remove or
 * read it (down, logs) when its template cannot be resolved (a YAML error, a
 * secret's variable unset in a new shell): the stacks this directory's
 * template made on this branch for this user, by their working-dir, branch
 * and owner labels.
 */
import { Labels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';

export interface StackLabelQuery {
  /** The template's directory, as the working-dir label holds it. */
  workingDir: string;
  branch: string;
  owner: string;
}

/** Names of the stacks (sorted) with resources under these labels. */
export async function stacksByLabels(ctx: AppContext, query: StackLabelQuery): Promise<string[]> {
  const { engine } = await ctx.engine();
  const selector = {
    [Labels.workingDir]: query.workingDir,
    [Labels.branch]: query.branch,
    [Labels.owner]: query.owner,
  };
  const found = await Promise.all([
    engine.listContainers(selector),
    engine.listNetworks(selector),
    engine.listVolumes(selector),
  ]);
  const names = new Set<string>();
  for (const resource of found.flat()) {
    const stack = resource.labels[Labels.stack];
    if (stack) names.add(stack);
  }
  return [...names].sort();
}
