import { down } from '../../app/down.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';
import { stackNameFor } from '../stack-name.js';

export const downCommand: Command = {
  name: 'down',
  summary: "remove the stack's containers and network (and volumes with -v)",
  effect: { changes: "removes the stack's containers and network (with -v its volumes)" },
  usage: 'devenv down [-v|--volumes] [--json] [-f FILE]... [--branch B | --stack S]',
  options: { ...commonOptions, volumes: { type: 'boolean', short: 'v' } },
  async run(ctx, io, parsed) {
    io.setRenderer(eventRenderer(ctx, io, { json: parsed.values['json'] === true }));
    const stack = await stackNameFor(ctx, stackOptions(parsed, ctx.env), { byLabels: true });
    await down(ctx, { stack, volumes: parsed.values['volumes'] === true });
    return 0;
  },
};
