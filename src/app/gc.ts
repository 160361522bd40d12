/**
 * `devenv gc`: remove ephemeral stacks whose TTL ran out or whose owner
 * process is gone, previews that expired or whose branch was deleted or merged
 * (app/preview-gc.ts), then the images devenv left (app/image-gc.ts), then stale cached data directories
 * (app/data-cache-gc.ts). Only stacks carrying devenv's ephemeral label qualify, and only this
 * user's (owner label) unless `allUsers`; previews (owner "preview") are the repository's;
 * nothing without devenv's labels is ever looked at.
 *
 * Stacks are the backend's (`listStacks`: a backend that lists its own, Swarm, by its
 * services, networks and per-node volumes) and are removed through it (`down`'s
 * removeStack), so gc on a swarm removes each stale stack's services, networks, secrets,
 * configs and volumes on every node. Images, proxies and the data cache stay engine-level:
 * images are live for the backend's stacks and for container stacks on the same engine.
 */
import { isDevenvError } from '../core/errors.js';
import { expiryReason } from '../core/stack/expiry.js';
import type { AppContext } from './context.js';
import { removeStaleDataCaches } from './data-cache-gc.js';
import { removeStack } from './down.js';
import { removeImageLeftovers } from './image-gc.js';
import { collectStacks, listStacks, type StackSummary } from './list-stacks.js';
import { reportUnusedProxies, syncAllProxies } from './proxy.js';
import type { PreviewDeps } from '../contracts/preview-git.js';
import { previewVerdicts, removeLeftPreview, type PreviewVerdict } from './preview-gc.js';
import type { EngineInfo } from '../contracts/engine.js';
import { removePreview } from './preview.js';

export interface GcOptions {
  dryRun: boolean;
  /** Also every cached Postgres data directory, not only stale ones (`--data-cache`). */
  dataCache?: boolean;
  /** Also other users' expired ephemeral stacks (`--all-users`); by default only this user's. */
  allUsers?: boolean;
}

export interface GcVerdict {
  stack: string;
  reason: string;
  /** A preview's (`devenv preview up`): its branch; its worktree goes with it. */
  preview?: { branch: string; repository: string };
}

/**
 * The stacks `devenv gc` removes, and why: ephemeral stacks whose TTL ran out
 * or whose owner is gone, and (given `previews`) previews gone stale. The dry
 * run's list, and what other commands name when stale stacks are in the way
 * (app/address-pools.ts).
 */
export async function staleStacks(
  ctx: AppContext,
  info: EngineInfo,
  stacks: readonly StackSummary[],
  previews?: PreviewDeps,
  allUsers = false,
): Promise<GcVerdict[]> {
  return (await verdictsOf(ctx, info, stacks, previews, allUsers)).verdicts;
}

async function verdictsOf(
  ctx: AppContext,
  info: EngineInfo,
  stacks: readonly StackSummary[],
  previews: PreviewDeps | undefined,
  allUsers: boolean,
): Promise<{ verdicts: GcVerdict[]; previewGoing: PreviewVerdict[] }> {
  const previewGoing = previews ? await previewVerdicts(ctx, previews, info, stacks) : [];
  const expiry = {
    now: ctx.clock.now(),
    hostname: ctx.host.hostname,
    isProcessAlive: ctx.host.isProcessAlive,
  };
  const verdicts: GcVerdict[] = [
    ...stacks.flatMap((summary) => {
      // Another user's stack is theirs to collect, unless asked (their owner process is not ours to judge).
      if (summary.owner !== ctx.host.user && !allUsers) return [];
      const reason = expiryReason(summary.lease, expiry);
      return reason ? [{ stack: summary.stack, reason }] : [];
    }),
    ...previewGoing.map((verdict) => ({
      stack: verdict.stack,
      reason: verdict.reason,
      preview: { branch: verdict.branch, repository: verdict.repository },
    })),
  ];
  return { verdicts, previewGoing };
}

export async function gc(ctx: AppContext, options: GcOptions, previews?: PreviewDeps): Promise<GcVerdict[]> {
  const { engine, info } = await ctx.engine();
  const stacks = await listStacks(ctx);
  const { verdicts, previewGoing } = await verdictsOf(ctx, info, stacks, previews, options.allUsers === true);
  if (options.dryRun) {
    const going = new Set(verdicts.map((v) => v.stack));
    const live = await liveStacks(ctx, stacks);
    await removeImageLeftovers(ctx, engine, {
      dryRun: true,
      liveStacks: new Set([...live].filter((stack) => !going.has(stack))),
    });
    await removeStaleDataCaches(ctx, engine, { dryRun: true, all: options.dataCache === true });
    await reportUnusedProxies(ctx, engine, going);
    return verdicts;
  }
  const removed: GcVerdict[] = [];
  for (const verdict of verdicts) {
    try {
      const left = previewGoing.find((p) => p.stack === verdict.stack && p.stackGone === true);
      // A stack another devenv process is changing right now is not garbage: the next gc decides.
      if (left !== undefined && previews) await removeLeftPreview(ctx, previews, left);
      else if (verdict.preview !== undefined && previews)
        await removePreview(
          ctx,
          previews,
          { stack: verdict.stack, ...verdict.preview, reason: verdict.reason },
          0,
        );
      else await removeStack(ctx, { stack: verdict.stack, volumes: true, lockWaitMs: 0 });
      removed.push(verdict);
    } catch (error) {
      if (!isDevenvError(error) || error.code !== 'STACK_BUSY') throw error;
      ctx.emit({ type: 'info', message: `${verdict.stack}: skipped, ${error.message}` });
    }
  }
  // Then images: those interrupted builds left, and those of stacks with nothing else left.
  await removeImageLeftovers(ctx, engine, {
    dryRun: false,
    liveStacks: await liveStacks(ctx, await listStacks(ctx)),
  });
  // Cached data directories belong to no stack: stale ones (or all, with --data-cache).
  await removeStaleDataCaches(ctx, engine, { dryRun: false, all: options.dataCache === true });
  // A preview proxy no stack uses any more (its last stack went some other way than `down`).
  await syncAllProxies(ctx, engine);
  return removed;
}

/**
 * The stacks whose images are in use: the backend's, and when the backend lists its own
 * (Swarm), also the container stacks on the engine the images are on (the manager's engine
 * may run both).
 */
async function liveStacks(ctx: AppContext, backendStacks: readonly StackSummary[]): Promise<Set<string>> {
  const live = new Set(backendStacks.map((s) => s.stack));
  if ((await ctx.backend()).inventory === undefined) return live;
  const { engine } = await ctx.engine();
  for (const summary of await collectStacks(ctx, engine)) live.add(summary.stack);
  return live;
}
