/**
 * Finding a stack from its labels alone, for commands that only remove or
 * read it (down, logs) when its template cannot be resolved (a YAML error, a
 * secret's variable unset in a new shell): the stacks this directory's
 * template made on this branch for this user, selected by their
 * working-dir-hash, branch-slug and owner-slug labels (and, for stacks
 * labelled before those existed, matched on their working-dir, branch and
 * owner annotations: core/stack/label-query.ts).
 */
import type { LabelSelector } from '../contracts/engine.js';
import { stackFacts } from '../core/stack/label-facts.js';
import {
  directoryStacksQuery,
  type DirectoryStacksQuery,
  type LabelQuery,
} from '../core/stack/label-query.js';
import type { AppContext } from './context.js';

export type StackLabelQuery = DirectoryStacksQuery;

/** Names of the stacks (sorted) with resources under these labels. */
export async function stacksByLabels(ctx: AppContext, query: StackLabelQuery): Promise<string[]> {
  const { engine } = await ctx.engine();
  const labelQuery = directoryStacksQuery(query);
  const found = await Promise.all([
    selectLabelled((selector) => engine.listContainers(selector), labelQuery),
    selectLabelled((selector) => engine.listNetworks(selector), labelQuery),
    selectLabelled((selector) => engine.listVolumes(selector), labelQuery),
  ]);
  const names = new Set<string>();
  for (const resource of found.flat()) {
    const { stack } = stackFacts(resource.labels);
    if (stack) names.add(stack);
  }
  return [...names].sort();
}

/** What a label query finds: by its selector, and among its legacy candidates (both listed at once). */
async function selectLabelled<T extends { name: string; labels: Record<string, string> }>(
  list: (selector: LabelSelector) => Promise<T[]>,
  query: LabelQuery,
): Promise<T[]> {
  const [selected, candidates] = await Promise.all([list(query.selector), list(query.legacySelector)]);
  return [...selected, ...candidates.filter((resource) => query.legacyMatch(resource))];
}
