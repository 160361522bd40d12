/**
 * `devenv gc`: remove ephemeral stacks whose TTL ran out or whose owner
 * process is gone, then the images devenv left (app/image-gc.ts), then stale cached data directories
 * (app/data-cache-gc.ts). Only stacks carrying devenv's ephemeral label qualify;
 * nothing without devenv's labels is ever looked at.
 */
import { isDevenvError } from '../core/errors.js';
import { expiryReason } from '../core/stack/expiry.js';
import type { AppContext } from './context.js';
import { removeStaleDataCaches } from './data-cache-gc.js';
import { removeStack } from './down.js';
import { removeImageLeftovers } from './image-gc.js';
import { collectStacks } from './list-stacks.js';
import { syncAllProxies } from './proxy.js';

export interface GcOptions {
  dryRun: boolean;
  /** Also every cached Postgres data directory, not only stale ones (`--data-cache`). */
  dataCache?: boolean;
}

export interface GcVerdict {
  stack: string;
  reason: string;
}

export async function gc(ctx: AppContext, options: GcOptions): Promise<GcVerdict[]> {
  const { engine } = await ctx.engine();
  const stacks = await collectStacks(ctx, engine);
  const expiry = {
    now: ctx.clock.now(),
    hostname: ctx.host.hostname,
    isProcessAlive: ctx.host.isProcessAlive,
  };
  const verdicts = stacks.flatMap((summary) => {
    const reason = expiryReason(summary.lease, expiry);
    return reason ? [{ stack: summary.stack, reason }] : [];
  });
  if (options.dryRun) {
    const going = new Set(verdicts.map((v) => v.stack));
    await removeImageLeftovers(ctx, engine, {
      dryRun: true,
      liveStacks: new Set(stacks.map((s) => s.stack).filter((stack) => !going.has(stack))),
    });
    await removeStaleDataCaches(ctx, engine, { dryRun: true, all: options.dataCache === true });
    return verdicts;
  }
  const removed: GcVerdict[] = [];
  for (const verdict of verdicts) {
    try {
      // A stack another devenv process is changing right now is not garbage: the next gc decides.
      await removeStack(ctx, { stack: verdict.stack, volumes: true, lockWaitMs: 0 });
      removed.push(verdict);
    } catch (error) {
      if (!isDevenvError(error) || error.code !== 'STACK_BUSY') throw error;
      ctx.emit({ type: 'info', message: `${verdict.stack}: skipped, ${error.message}` });
    }
  }
  // Then images: those interrupted builds left, and those of stacks with nothing else left.
  const live = new Set((await collectStacks(ctx, engine)).map((s) => s.stack));
  await removeImageLeftovers(ctx, engine, { dryRun: false, liveStacks: live });
  // Cached data directories belong to no stack: stale ones (or all, with --data-cache).
  await removeStaleDataCaches(ctx, engine, { dryRun: false, all: options.dataCache === true });
  // A preview proxy no stack uses any more (its last stack went some other way than `down`).
  await syncAllProxies(ctx, engine);
  return removed;
}
