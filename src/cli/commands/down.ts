import { down } from '../../app/down.js';
import { resolveStackTarget } from '../../app/stack-target.js';
import { colorEnabled, palette } from '../../ui/colors.js';
import { jsonRenderer } from '../../ui/json-renderer.js';
import { plainRenderer } from '../../ui/plain/plain-renderer.js';
import { commonOptions, stackOptions, type Command } from '../command.js';

export const downCommand: Command = {
  name: 'down',
  summary: "remove the stack's containers and network (and volumes with -v)",
  usage: 'devenv down [-v|--volumes] [--json] [-f FILE]... [--branch B | --stack S]',
  options: { ...commonOptions, volumes: { type: 'boolean', short: 'v' } },
  async run(ctx, io, parsed) {
    const render = parsed.values['json']
      ? jsonRenderer(io.stdout, () => [])
      : plainRenderer({
          write: io.stdout,
          palette: palette(colorEnabled(ctx.env, io.isTTY)),
          secrets: () => [],
        });
    io.setRenderer(render);
    const options = stackOptions(parsed);
    // --stack works without a template; otherwise the template names the stack.
    const stack = options.stack ?? (await resolveStackTarget(ctx, options)).identity.name;
    await down(ctx, { stack, volumes: parsed.values['volumes'] === true });
    return 0;
  },
};
