import { stackEnvironment } from '../../app/stack-environment.js';
import { maskEnvironment } from '../../core/redact.js';
import { formatDotenv } from '../../ui/format-dotenv.js';
import { commonOptions, stackOptions, type Command } from '../command.js';

export const envCommand: Command = {
  name: 'env',
  effect: 'reads',
  summary:
    "the running stack's environment as seen from the host (dotenv or --json), secrets masked unless --show-secrets",
  usage: 'devenv env [--json] [--show-secrets] [--env NAME] [-f FILE]... [--branch B | --stack S]',
  options: { ...commonOptions, 'show-secrets': { type: 'boolean' } },
  async run(ctx, io, parsed) {
    const { env, secretValues } = await stackEnvironment(ctx, stackOptions(parsed, ctx.env));
    const format = (values: Record<string, string>) =>
      parsed.values['json'] ? JSON.stringify(values, null, 2) : formatDotenv(values);
    // The values in full only when asked for: `eval "$(devenv env --show-secrets)"`.
    if (parsed.values['show-secrets']) {
      io.stdoutUnmasked(format(env));
      return 0;
    }
    const shown = maskEnvironment(env, [...ctx.secrets.values(), ...secretValues]);
    io.stdout(format(shown.env));
    if (shown.masked.length > 0 && !parsed.values['json'])
      io.stderr(
        `Masked: ${[...shown.masked].sort().join(', ')}. Add --show-secrets to print them (eval "$(devenv env --show-secrets)").`,
      );
    return 0;
  },
};
