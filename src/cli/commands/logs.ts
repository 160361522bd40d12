import { stackLogs, type LogsOptions } from '../../app/stack-logs.js';
import { DevenvError } from '../../core/errors.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';
import { stackNameFor } from '../stack-name.js';
import { templateSecrets } from '../template-secrets.js';

export const logsCommand: Command = {
  name: 'logs',
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
    const secrets = await templateSecrets(ctx, stackOptions(parsed));
    io.setRenderer(eventRenderer(ctx, io, { json: parsed.values['json'] === true, secrets: () => secrets }));
    const stack = await stackNameFor(ctx, stackOptions(parsed));
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
