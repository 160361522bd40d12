import { tuneHeapForLongLivedProcess } from '../long-lived-heap.js';
import type { AppContext } from '../../app/context.js';
import { resolveStackTarget, type StackOptions, type StackTarget } from '../../app/stack-target.js';
import { attachWatch, type WatchAttachment } from '../../app/watch-attachment.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { parseDurationSeconds } from '../duration.js';
import { eventRenderer } from '../event-renderer.js';

export const watchCommand: Command = {
  name: 'watch',
  summary: 'watch the project and rerun the affected unit and integration tests on every change',
  usage: 'devenv watch [--run-all] [--debounce 75ms] [--json] [-f FILE]... [--branch B | --stack S]',
  options: {
    ...commonOptions,
    'run-all': { type: 'boolean' },
    debounce: { type: 'string' },
  },
  async run(ctx, io, parsed) {
    const v = parsed.values;
    tuneHeapForLongLivedProcess();
    const render = eventRenderer(ctx, io, { json: v['json'] === true });
    const attached: { watch?: WatchAttachment } = {};
    io.setRenderer((event) => {
      render(event);
      attached.watch?.onEvent(event);
    });
    const debounce = typeof v['debounce'] === 'string' ? v['debounce'] : undefined;
    const stack = stackOptions(parsed);
    // The same watch as an attached `up` (tests, develop.watch, reconcile on a template change), without logs.
    const watch = await attachWatch(ctx, {
      stack,
      upOptions: { ...stack },
      session: {
        runAllOnStart: v['run-all'] === true,
        ...(debounce === undefined ? {} : { debounceMs: debounceMs(debounce) }),
      },
    });
    attached.watch = watch;
    const target = await runningStack(ctx, stack);
    if (target) await watch.stackReady(target);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await watch.close();
    return 0;
  },
};

function debounceMs(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d+ms$/.test(text)) return Number(text.slice(0, -2));
  return Math.round(parseDurationSeconds(text, '--debounce') * 1000);
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
