import { dumpDatabase, type DumpDestination } from '../../app/database/db-dump.js';
import type { DumpFormat } from '../../core/data/dump-format.js';
import { DevenvError } from '../../core/errors.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';

const USAGE =
  'devenv db dump [--out FILE|-] [--format custom|plain] [--env NAME] [--json] [-f FILE]... [--branch B | --stack S]';

function formatOption(value: string | boolean | (string | boolean)[] | undefined): DumpFormat {
  if (value === undefined) return 'custom';
  if (value === 'custom' || value === 'plain') return value;
  throw new DevenvError('USAGE', `--format is custom or plain, not "${String(value)}".`, {
    hint: `Usage: ${USAGE}`,
  });
}

export const dbDumpCommand: Command = {
  name: 'db dump',
  summary: "dump the stack's database to a file (pg_dump in its container; - for stdout)",
  effect: 'reads',
  usage: USAGE,
  options: { ...commonOptions, out: { type: 'string', short: 'o' }, format: { type: 'string' } },
  async run(ctx, io, parsed) {
    const format = formatOption(parsed.values['format']);
    const out = parsed.values['out'];
    const json = parsed.values['json'] === true;
    let destination: DumpDestination = { kind: 'file', ...(typeof out === 'string' ? { path: out } : {}) };
    if (out === '-') {
      if (json)
        throw new DevenvError('USAGE', '--json and --out - both want stdout.', {
          hint: 'Write the dump to a file (--out FILE), or leave out --json.',
        });
      if (format === 'custom' && process.stdout.isTTY)
        throw new DevenvError(
          'USAGE',
          'A custom-format dump is binary: devenv does not write it to a terminal.',
          {
            hint: 'Redirect it (`devenv db dump --out - > FILE`), pipe it, or use --format plain.',
          },
        );
      destination = { kind: 'stream', stream: process.stdout, name: '-' };
    }
    // With the dump on stdout, what devenv says goes to stderr.
    const say = out === '-' ? { ...io, stdout: io.stderr } : io;
    io.setRenderer(eventRenderer(ctx, say, { json }));
    await dumpDatabase(ctx, { stack: stackOptions(parsed, ctx.env), format, destination });
    return 0;
  },
};
