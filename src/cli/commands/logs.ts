import { stackLogs, type LogsOptions } from '../../app/stack-logs.js';
import { resolveStackTarget } from '../../app/stack-target.js';
import { DevenvError } from '../../core/errors.js';
import { colorEnabled, palette } from '../../ui/colors.js';
import { jsonRenderer } from '../../ui/json-renderer.js';
import { plainRenderer } from '../../ui/plain/plain-renderer.js';
import { commonOptions, stackOptions, type Command } from '../command.js';

export const logsCommand: Command = {
  name: 'logs',
  summary: 'service logs, prefixed by service; -f follows',
  usage: 'devenv logs [SERVICE] [-f|--follow] [--tail N] [--json] [-f FILE]... [--branch B | --stack S]',
  options: { ...commonOptions, follow: { type: 'boolean' }, tail: { type: 'string' } },
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
    const stack = options.stack ?? (await resolveStackTarget(ctx, options)).identity.name;
    const logs: LogsOptions = { stack, follow: parsed.values['follow'] === true };
    const service = parsed.positionals[0];
    if (service !== undefined) logs.service = service;
    if (typeof parsed.values['tail'] === 'string') {
      const tail = Number(parsed.values['tail']);
      if (!Number.isInteger(tail) || tail < 0)
        throw new DevenvError('USAGE', `--tail expects a number of lines, not "${parsed.values['tail']}".`);
      logs.tail = tail;
    }
    await stackLogs(ctx, logs);
    return 0;
  },
};
