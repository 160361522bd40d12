import { stackEnvironment } from '../../app/stack-environment.js';
import { formatDotenv } from '../../ui/format-dotenv.js';
import { commonOptions, stackOptions, type Command } from '../command.js';

export const envCommand: Command = {
  name: 'env',
  summary: "the running stack's environment as seen from the host (dotenv or --json)",
  usage: 'devenv env [--json] [-f FILE]... [--branch B | --stack S]',
  options: commonOptions,
  async run(ctx, io, parsed) {
    const env = await stackEnvironment(ctx, stackOptions(parsed, ctx.env));
    // Its job is the values: the one output that is not masked.
    if (parsed.values['json']) io.stdoutUnmasked(JSON.stringify(env, null, 2));
    else io.stdoutUnmasked(formatDotenv(env));
    return 0;
  },
};
