/**
 * `devenv gc`: remove ephemeral stacks whose TTL ran out or whose owner
 * process is gone. Only stacks carrying devenv's ephemeral label qualify;
 * nothing without devenv's labels is ever looked at.
 */
import { isDevenvError } from '../core/errors.js';
import { expiryReason } from '../core/stack/expiry.js';
import type { AppContext } from './context.js';
import { removeStack } from './down.js';
import { collectStacks } from './list-stacks.js';

export interface GcOptions {
  dryRun: boolean;
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
  if (options.dryRun) return verdicts;
  const removed: GcVerdict[] = [];
  for (const verdict of verdicts) {
    try {
      // A stack another devenv process is changing right now is not garbage: the next gc decides.
      await removeStack(ctx, engine, { stack: verdict.stack, volumes: true, lockWaitMs: 0 });
      removed.push(verdict);
    } catch (error) {
      if (!isDevenvError(error) || error.code !== 'STACK_BUSY') throw error;
      ctx.emit({ type: 'info', message: `${verdict.stack}: skipped, ${error.message}` });
    }
  }
  return removed;
}
