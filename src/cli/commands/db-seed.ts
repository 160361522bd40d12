import { seedDatabase } from '../../app/database/db-seed.js';
import { commonOptions, stackOptions, type Command } from '../command.js';
import { eventRenderer } from '../event-renderer.js';

export const dbSeedCommand: Command = {
  name: 'db seed',
  summary: "run devenv.yaml's database.seed against the stack's database",
  effect: { changes: "runs the seed command against the stack's database" },
  usage: 'devenv db seed [--env NAME] [--json] [-f FILE]... [--branch B | --stack S]',
  options: commonOptions,
  async run(ctx, io, parsed) {
    io.setRenderer(eventRenderer(ctx, io, { json: parsed.values['json'] === true }));
    await seedDatabase(ctx, stackOptions(parsed, ctx.env));
    return 0;
  },
};
