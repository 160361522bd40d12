/**
 * A protected environment (devenv.yaml `protected: true`) is changed only on purpose: before a
 * command that changes an environment's stack runs (its declared effect, cli/command.ts), the
 * dispatcher asks on a terminal, and needs --yes when nobody can answer.
 */
import { createInterface } from 'node:readline/promises';
import type { AppContext } from '../app/context.js';
import { targetEnvironment } from '../app/stack-target.js';
import { DevenvError } from '../core/errors.js';
import {
  asksConfirmation,
  runChangesStack,
  stackOptions,
  type Command,
  type CommandIO,
  type ParsedCommand,
} from './command.js';

export async function confirmProtectedChange(
  ctx: AppContext,
  io: CommandIO,
  command: Pick<Command, 'name' | 'effect'>,
  parsed: ParsedCommand,
): Promise<void> {
  const { effect } = command;
  if (!asksConfirmation(effect) || !runChangesStack(command, parsed)) return;
  const environment = targetEnvironment(ctx, stackOptions(parsed, ctx.env));
  if (!environment.protected || parsed.values['yes'] === true) return;
  const written = Object.hasOwn(ctx.project.devenvConfig(ctx.cwd).environments ?? {}, environment.name);
  const why = written
    ? `devenv.yaml environments.${environment.name}.protected: true`
    : `an unwritten ${environment.name} is protected unless devenv.yaml says protected: false`;
  const engine = environment.engine ?? 'the default engine';
  const readOnly = (effect.readOnlyWith ?? []).map((flag) => `--${flag}`);
  const interactive = io.isTTY && process.stdin.isTTY === true && ctx.env['CI'] !== 'true';
  if (!interactive)
    throw new DevenvError(
      'ENV_PROTECTED',
      `Environment "${environment.name}" is protected (${why}): \`devenv ${command.name}\` ${effect.changes} and needs confirmation.`,
      {
        hint: `Pass --yes to run \`devenv ${command.name}\` on ${environment.name} (${engine}) without being asked${readOnly.length > 0 ? `, or ${readOnly.join(' or ')}, which changes nothing` : ''}.`,
        // The command line needs another flag, as with a usage error.
        exitCode: 2,
      },
    );
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      // Ctrl-C at the question: readline catches it on a terminal, so it ends the question here.
      prompt.once('SIGINT', () =>
        reject(new DevenvError('INTERRUPTED', `Interrupted: \`devenv ${command.name}\` did not run.`)),
      );
      prompt
        .question(
          `Environment "${environment.name}" is protected (${why}): \`devenv ${command.name}\` ${effect.changes} on ${engine}. Go ahead? [y/N] `,
        )
        .then(resolve, reject);
    });
    if (!/^y(es)?$/i.test(answer.trim()))
      throw new DevenvError(
        'ENV_PROTECTED',
        `Not confirmed: \`devenv ${command.name}\` on protected environment "${environment.name}" cancelled.`,
        { hint: 'Answer y to go ahead, or pass --yes.' },
      );
  } finally {
    prompt.close();
  }
}
