import { resetDatabase } from '../../app/database/db-reset.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';

export const dbResetCommand: Command = {
  name: 'db reset',
  summary: "recreate the stack's database from the migrate-once template (or empty, then seeded)",
  effect: { changes: "replaces the stack's database with a fresh one (what it holds is lost)" },
  usage: 'devenv db reset [--env NAME] [--json] [-f FILE]... [--branch B | --stack S]',
  options: commonOptions,
  async run(ctx, io, parsed) {
    io.setRenderer(eventRenderer(ctx, io, { json: parsed.values['json'] === true }));
    await resetDatabase(ctx, stackOptions(parsed, ctx.env));
    return 0;
  },
};
