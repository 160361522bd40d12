/**
 * `devenv watch`: the same watch as an attached `up` (affected tests,
 * develop.watch into the running stack, reconcile on a template change),
 * without following logs, until Ctrl-C. The CLI only parses flags and routes
 * the events it renders to the attachment (file events drive the watch).
 */
import type { AppContext } from './context.js';
import { resolveStackTarget, type StackOptions, type StackTarget } from './stack-target.js';
import { attachWatch, type WatchAttachment } from './watch-attachment.js';

export interface WatchOptions {
  stack: StackOptions;
  runAllOnStart: boolean;
  debounceMs?: number;
}

export async function watchUntilInterrupted(
  ctx: AppContext,
  options: WatchOptions,
  /** Told the attachment once it exists: the caller routes every event it renders to `onEvent`. */
  attached: (watch: WatchAttachment) => void,
): Promise<void> {
  const watch = await attachWatch(ctx, {
    stack: options.stack,
    upOptions: { ...options.stack },
    session: {
      runAllOnStart: options.runAllOnStart,
      ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
    },
  });
  attached(watch);
  try {
    const target = await runningStack(ctx, options.stack);
    if (target) await watch.stackReady(target);
    await untilAborted(ctx.signal);
  } finally {
    await watch.close();
  }
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** The project's stack when it is running (develop.watch syncs into it); none without a template or engine. */
async function runningStack(ctx: AppContext, stack: StackOptions): Promise<StackTarget | undefined> {
  try {
    const target = await resolveStackTarget(ctx, stack);
    const observed = await (await ctx.backend()).observe(target.identity.name);
    return observed.containers.length > 0 ? target : undefined;
  } catch {
    return undefined;
  }
}
