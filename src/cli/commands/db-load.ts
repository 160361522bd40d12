import { loadDatabase, NOT_PRODUCTION_DATA_FLAG } from '../../app/database/db-load.js';
import { DevenvError } from '../../core/errors.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';

const USAGE = `devenv db load FILE [${NOT_PRODUCTION_DATA_FLAG}] [--env NAME] [--json] [-f FILE]... [--branch B | --stack S]`;

export const dbLoadCommand: Command = {
  name: 'db load',
  takesArguments: true,
  summary: "replace the stack's database with a dump (custom or plain; anonymized unless prod)",
  effect: { changes: "replaces the stack's database with the dump's content (what it holds is lost)" },
  usage: USAGE,
  options: { ...commonOptions, [NOT_PRODUCTION_DATA_FLAG.slice(2)]: { type: 'boolean' } },
  async run(ctx, io, parsed) {
    const [file, ...extra] = parsed.positionals;
    if (file === undefined || extra.length > 0)
      throw new DevenvError(
        'USAGE',
        file === undefined ? 'devenv db load needs the dump to load.' : 'devenv db load takes one file.',
        {
          hint: `Usage: ${USAGE}`,
        },
      );
    io.setRenderer(eventRenderer(ctx, io, { json: parsed.values['json'] === true }));
    await loadDatabase(ctx, {
      stack: stackOptions(parsed, ctx.env),
      file,
      notProductionData: parsed.values[NOT_PRODUCTION_DATA_FLAG.slice(2)] === true,
    });
    return 0;
  },
};
