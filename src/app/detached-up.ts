/**
 * `devenv up -d`: bring the stack up and return; an ephemeral stack that did
 * not come up is removed at once rather than left for gc. `hooks.onResolved`
 * hears the stack's name before anything is created (the CLI starts an
 * ephemeral stack's reaper there, so a devenv killed half-way leaves nothing
 * its owner's end does not take).
 */
import type { AppContext } from './context.js';
import { removeStack } from './down.js';
import { DevenvError } from '../core/errors.js';
import { up, type UpHooks, type UpOptions, type UpResult } from './up.js';

export async function detachedUp(
  ctx: AppContext,
  options: UpOptions,
  hooks: UpHooks = {},
): Promise<UpResult> {
  let stack: string | undefined;
  try {
    return await up(ctx, options, {
      onResolved: (identity, target) => {
        stack = identity.name;
        hooks.onResolved?.(identity, target);
      },
    });
  } catch (error) {
    if (options.ephemeral && stack !== undefined && error instanceof DevenvError) {
      await removeStack(ctx, { stack, volumes: true });
    }
    throw error;
  }
}
