/**
 * `devenv up -d`: bring the stack up and return; an ephemeral stack that did
 * not come up is removed at once rather than left for gc.
 */
import type { AppContext } from './context.js';
import { removeStack } from './down.js';
import { DevenvError } from '../core/errors.js';
import { up, type UpOptions, type UpResult } from './up.js';

export async function detachedUp(ctx: AppContext, options: UpOptions): Promise<UpResult> {
  let stack: string | undefined;
  try {
    return await up(ctx, options, { onResolved: (identity) => (stack = identity.name) });
  } catch (error) {
    if (options.ephemeral && stack !== undefined && error instanceof DevenvError) {
      await removeStack(ctx, { stack, volumes: true });
    }
    throw error;
  }
}
