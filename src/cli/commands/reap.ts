import { setTimeout as sleep } from 'node:timers/promises';
import { removeStack } from '../../app/down.js';
import { DevenvError } from '../../core/errors.js';
import type { Command } from '../command.js';

/** Hidden: the reaper process of an ephemeral detached stack (see adapters/host/reaper-process). */
export const reapCommand: Command = {
  name: '__reap',
  hidden: true,
  effect: { changes: 'removes the stack when its owner process ends', confirmedBy: 'up --ephemeral' },
  summary: 'remove a stack when its owner process ends',
  usage: 'devenv __reap --stack S --pid P [--starter P]',
  // --starter: the `up` creating the stack. The reaper starts before anything exists (so a devenv
  // killed half-way still leaves a reaper), and an empty stack means "removed" only once it has
  // been seen, or once the starter is gone.
  options: { stack: { type: 'string' }, pid: { type: 'string' }, starter: { type: 'string' } },
  async run(ctx, _io, parsed) {
    const stack = parsed.values['stack'];
    const pid = Number(parsed.values['pid']);
    if (typeof stack !== 'string' || !Number.isInteger(pid))
      throw new DevenvError('USAGE', '__reap needs --stack and --pid.');
    const starter = parsed.values['starter'] === undefined ? undefined : Number(parsed.values['starter']);
    const backend = await ctx.backend();
    let seen = false;
    for (let tick = 0; !ctx.signal.aborted; tick++) {
      if (!ctx.host.isProcessAlive(pid)) {
        await removeStack(ctx, { stack, volumes: true });
        return 0;
      }
      const starting = starter !== undefined && !seen && ctx.host.isProcessAlive(starter);
      if (starting ? tick % 3 === 2 : tick % 15 === 14) {
        const observed = await backend.observe(stack);
        const empty = observed.containers.length + observed.networks.length + observed.volumes.length === 0;
        if (!empty) seen = true;
        else if (!starting) return 0;
      }
      await sleep(1000);
    }
    return 0;
  },
};
