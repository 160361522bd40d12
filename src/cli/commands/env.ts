import { stackEnvironment } from '../../app/stack-environment.js';
import { formatDotenv } from '../../ui/format-dotenv.js';
import { secretRegistry } from '../../core/secret-registry.js';
import { commonOptions, stackOptions, type Command } from '../command.js';

export const envCommand: Command = {
  name: 'env',
  effect: 'reads',
  summary: "the running stack's environment as seen from the host (dotenv or --json)",
  usage: 'devenv env [--json] [--show-secrets] [--env NAME] [-f FILE]... [--branch B | --stack S]',
  options: { ...commonOptions, 'show-secrets': { type: 'boolean' } },
  async run(ctx, io, parsed) {
    const { env, secretValues } = await stackEnvironment(ctx, stackOptions(parsed, ctx.env));
    // Its job is the values: the one output not masked with everything, but devenv.yaml's
    // declared secrets stay masked unless --show-secrets asks for them.
    const mask = parsed.values['show-secrets'] ? (text: string) => text : secretRegistry(secretValues).mask;
    if (parsed.values['json']) io.stdoutUnmasked(mask(JSON.stringify(env, null, 2)));
    else io.stdoutUnmasked(mask(formatDotenv(env)));
    return 0;
  },
};
