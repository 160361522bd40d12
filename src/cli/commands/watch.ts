import { tuneHeapForLongLivedProcess } from '../long-lived-heap.js';
import type { WatchAttachment } from '../../app/watch-attachment.js';
import { watchUntilInterrupted } from '../../app/watch-until-interrupted.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { parseDurationSeconds } from '../duration.js';
import { eventRenderer } from '../event-renderer.js';

export const watchCommand: Command = {
  name: 'watch',
  effect: { changes: 'runs integration tests against the stack and reconciles it as devenv.yaml says' },
  summary: 'watch the project and rerun the affected unit and integration tests on every change',
  usage: 'devenv watch [--run-all] [--debounce 30ms] [--json] [-f FILE]... [--branch B | --stack S]',
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
    await watchUntilInterrupted(
      ctx,
      {
        stack: stackOptions(parsed, ctx.env),
        runAllOnStart: v['run-all'] === true,
        ...(debounce === undefined ? {} : { debounceMs: debounceMs(debounce) }),
      },
      (watch) => (attached.watch = watch),
    );
    return 0;
  },
};

function debounceMs(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  if (/^\d+ms$/.test(text)) return Number(text.slice(0, -2));
  return Math.round(parseDurationSeconds(text, '--debounce') * 1000);
}
