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
  usage: 'devenv __reap --stack S --pid P',
  options: { stack: { type: 'string' }, pid: { type: 'string' } },
  async run(ctx, _io, parsed) {
    const stack = parsed.values['stack'];
    const pid = Number(parsed.values['pid']);
    if (typeof stack !== 'string' || !Number.isInteger(pid))
      throw new DevenvError('USAGE', '__reap needs --stack and --pid.');
    const backend = await ctx.backend();
    for (let tick = 0; !ctx.signal.aborted; tick++) {
      if (!ctx.host.isProcessAlive(pid)) {
        await removeStack(ctx, { stack, volumes: true });
        return 0;
      }
      if (tick % 15 === 14) {
        const observed = await backend.observe(stack);
        if (observed.containers.length + observed.networks.length + observed.volumes.length === 0) return 0;
      }
      await sleep(1000);
    }
    return 0;
  },
};
