/**
 * `devenv gc` for previews: a preview goes when its TTL (from its last `preview up`)
 * has passed, when its branch was deleted (locally and on origin), or when it was
 * merged into the default branch (only a branch that had commits of its own when
 * previewed: a branch just made from main is not "merged"). A preview made on
 * another machine (no record here) goes by its TTL alone, counted from its creation.
 * Worktrees and records whose stack is gone from their engine go too.
 */
import type { EngineInfo } from '../contracts/engine.js';
import type { PreviewDeps } from '../contracts/preview-git.js';
import {
  DEFAULT_PREVIEW_TTL_SECONDS,
  previewExpiryReason,
  type BranchState,
} from '../core/preview/preview.js';
import type { AppContext } from './context.js';
import type { StackSummary } from './list-stacks.js';
import { previewEndpoint } from './preview.js';

export interface PreviewVerdict {
  stack: string;
  branch: string;
  repository: string;
  reason: string;
  /** A record and worktree whose stack is already gone. */
  stackGone?: true;
}

async function branchState(
  deps: PreviewDeps,
  repository: string,
  branch: string,
  pruned: Map<string, Promise<boolean>>,
): Promise<BranchState> {
  if ((await deps.git.repositoryRoot(repository)) === undefined)
    return { kind: 'unknown', why: `repository ${repository} is not on this machine` };
  if (!pruned.has(repository)) pruned.set(repository, deps.git.prune(repository));
  await pruned.get(repository);
  const tip = await deps.git.branchCommit(repository, branch);
  if (tip === undefined) return { kind: 'deleted' };
  const main = await deps.git.defaultBranch(repository);
  if (main === undefined || main.name === branch) return { kind: 'present', tip };
  const landing = await deps.git.landedIn(repository, tip, main.ref);
  return landing === undefined
    ? { kind: 'present', tip }
    : { kind: 'present', tip, mergedInto: main.name, landing };
}

export async function previewVerdicts(
  ctx: AppContext,
  deps: PreviewDeps,
  info: EngineInfo,
  stacks: readonly StackSummary[],
): Promise<PreviewVerdict[]> {
  const pruned = new Map<string, Promise<boolean>>();
  const verdicts: PreviewVerdict[] = [];
  const now = ctx.clock.now();
  for (const stack of stacks) {
    if (stack.preview === undefined) continue;
    const record = await deps.records.read(stack.stack);
    const repository = stack.preview.repository;
    const created = Date.parse(stack.createdAt);
    const lease = {
      branch: stack.branch,
      refreshedAt: record?.refreshedAt ?? (Number.isNaN(created) ? now : created),
      ttlSeconds: record?.ttlSeconds ?? DEFAULT_PREVIEW_TTL_SECONDS,
      aheadOfDefault: record?.aheadOfDefault ?? false,
    };
    const state: BranchState =
      record === undefined
        ? { kind: 'unknown', why: 'made on another machine' }
        : await branchState(deps, repository, stack.branch, pruned);
    const reason = previewExpiryReason(lease, state, now);
    if (reason !== undefined) verdicts.push({ stack: stack.stack, branch: stack.branch, repository, reason });
  }
  const present = new Set(stacks.map((stack) => stack.stack));
  const endpoint = await previewEndpoint(ctx, info.endpoint);
  for (const record of await deps.records.list()) {
    if (record.endpoint !== endpoint || present.has(record.stack)) continue;
    verdicts.push({
      stack: record.stack,
      branch: record.branch,
      repository: record.repository,
      reason: 'its stack is gone from the engine (worktree and record left)',
      stackGone: true,
    });
  }
  return verdicts;
}

/** Removes what the verdicts name that has no stack left: the worktree and the record. */
export async function removeLeftPreview(
  ctx: AppContext,
  deps: PreviewDeps,
  verdict: PreviewVerdict,
): Promise<void> {
  const record = await deps.records.read(verdict.stack);
  if (record !== undefined && record.worktree.startsWith(deps.root))
    await deps.git.removeWorktree(record.repository, record.worktree);
  await deps.records.remove(verdict.stack);
  ctx.emit({ type: 'preview.removed', branch: verdict.branch, stack: verdict.stack, reason: verdict.reason });
}
