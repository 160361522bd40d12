import { resetDatabase } from '../../app/database/db-reset.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';
import { confirmProtectedChange } from '../protected-confirmation.js';

export const dbResetCommand: Command = {
  name: 'db reset',
  summary: "recreate the stack's database from the migrate-once template (or empty, then seeded)",
  usage: 'devenv db reset [--env NAME] [--json] [-f FILE]... [--branch B | --stack S]',
  options: commonOptions,
  async run(ctx, io, parsed) {
    io.setRenderer(eventRenderer(ctx, io, { json: parsed.values['json'] === true }));
    await confirmProtectedChange(ctx, io, parsed, 'db reset');
    await resetDatabase(ctx, stackOptions(parsed, ctx.env));
    return 0;
  },
};
