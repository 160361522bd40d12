/**
 * A protected environment (devenv.yaml `protected: true`) is changed only on purpose: a command
 * that changes it asks on a terminal, and needs --yes when nobody can answer.
 */
import { createInterface } from 'node:readline/promises';
import type { AppContext } from '../app/context.js';
import { targetEnvironment } from '../app/stack-target.js';
import { DevenvError } from '../core/errors.js';
import { stackOptions, type CommandIO, type ParsedCommand } from './command.js';

export async function confirmProtectedChange(
  ctx: AppContext,
  io: CommandIO,
  parsed: ParsedCommand,
  action: string,
): Promise<void> {
  const options = stackOptions(parsed, ctx.env);
  const environment = targetEnvironment(ctx, options);
  if (!environment.protected || parsed.values['yes'] === true) return;
  const engine = environment.engine ?? 'the default engine';
  const interactive = io.isTTY && process.stdin.isTTY === true && ctx.env['CI'] !== 'true';
  if (!interactive)
    throw new DevenvError(
      'USAGE',
      `Environment "${environment.name}" is protected (devenv.yaml protected: true): \`devenv ${action}\` changes it and needs confirmation.`,
      { hint: `Pass --yes to ${action} ${environment.name} on ${engine} without being asked.` },
    );
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(
      `Environment "${environment.name}" is protected. ${action} it on ${engine}? [y/N] `,
    );
    if (!/^y(es)?$/i.test(answer.trim()))
      throw new DevenvError(
        'ENV_PROTECTED',
        `Not confirmed: ${action} of protected environment "${environment.name}" cancelled.`,
        {
          hint: 'Answer y to go ahead, or pass --yes.',
        },
      );
  } finally {
    prompt.close();
  }
}
