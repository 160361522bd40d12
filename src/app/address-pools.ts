/**
 * When the engine's address pools are exhausted, the stacks `devenv gc`
 * would remove are what the user can free first: the error names them, from
 * gc's own selection (app/gc.ts `staleStacks`, its dry run's list).
 */
import { withStaleStacks } from '../core/engine-faults.js';
import { isDevenvError } from '../core/errors.js';
import type { AppContext } from './context.js';
import { staleStacks } from './gc.js';
import { collectStacks } from './list-stacks.js';

/** `error` as it is, unless it is ENGINE_ADDRESS_POOLS_EXHAUSTED: then naming the stale stacks gc would free. */
export async function namingStaleStacks(ctx: AppContext, error: unknown): Promise<unknown> {
  if (!isDevenvError(error) || error.code !== 'ENGINE_ADDRESS_POOLS_EXHAUSTED') return error;
  try {
    const { engine, info } = await ctx.engine();
    const stale = await staleStacks(ctx, info, await collectStacks(ctx, engine));
    return withStaleStacks(error, stale);
  } catch {
    // Listing stacks failed too: the error as the engine gave it still says what to do.
    return error;
  }
}
