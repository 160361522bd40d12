import { stackLogs, type LogsOptions } from '../../app/stack-logs.js';
import { resolveStackTarget } from '../../app/stack-target.js';
import { DevenvError } from '../../core/errors.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';
import { stackNameFor } from '../stack-name.js';

export const logsCommand: Command = {
  name: 'logs',
  takesArguments: true,
  effect: 'reads',
  summary: 'service logs, prefixed by service; -f follows',
  usage: 'devenv logs [SERVICE] [-f|--follow] [--tail N] [--json] [--file FILE]... [--branch B | --stack S]',
  // As in `docker compose logs -f`, -f here means --follow; name template files with --file.
  options: {
    ...commonOptions,
    file: { type: 'string', multiple: true },
    follow: { type: 'boolean', short: 'f' },
    tail: { type: 'string' },
  },
  async run(ctx, io, parsed) {
    io.setRenderer(
      eventRenderer(ctx, io, { json: parsed.values['json'] === true, secrets: () => ctx.secrets.values() }),
    );
    // Resolving the template (when it can be) makes its secret values known to the mask.
    if (typeof parsed.values['stack'] === 'string')
      await resolveStackTarget(ctx, stackOptions(parsed, ctx.env)).catch(() => undefined);
    const stack = await stackNameFor(ctx, stackOptions(parsed, ctx.env), { byLabels: true });
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
