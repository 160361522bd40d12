/**
 * A protected environment (devenv.yaml `protected: true`) is changed only on purpose: before a
 * command that changes an environment's stack runs (its declared effect, cli/command.ts), the
 * dispatcher asks on a terminal, and needs --yes when nobody can answer. The environment is the
 * one --env names, or the one the labels of a stack --stack names say.
 */
import { createInterface } from 'node:readline/promises';
import type { AppContext } from '../app/context.js';
import { labelledEnvironments } from '../app/labelled-environments.js';
import { targetEnvironment } from '../app/stack-target.js';
import type { DevenvConfig, EnvironmentConfig } from '../core/config/devenv-config.js';
import { environmentOf } from '../core/config/environment.js';
import { DevenvError } from '../core/errors.js';
import {
  asksConfirmation,
  runChangesStack,
  stackOptions,
  type Command,
  type CommandIO,
  type ParsedCommand,
} from './command.js';

interface ProtectedTarget {
  environment: EnvironmentConfig;
  /** How the run names it: "Environment "prod"", or the --stack whose labels say prod. */
  subject: string;
  /** Where the change happens, for the hint and the question. */
  where: string;
}

/** An environment of this project's devenv.yaml (or implied); undefined for a name it does not know. */
function knownEnvironment(config: DevenvConfig, name: string): EnvironmentConfig | undefined {
  try {
    return environmentOf(config, name);
  } catch (error) {
    if (error instanceof DevenvError && error.code === 'ENV_UNKNOWN') return undefined;
    throw error;
  }
}

/**
 * The protected environment this run would change: the one --env (DEVENV_ENV, dev) names, or the
 * one the labels of the stack --stack names say it belongs to, whatever --env says.
 */
async function protectedTarget(ctx: AppContext, parsed: ParsedCommand): Promise<ProtectedTarget | undefined> {
  const config = ctx.project.devenvConfig(ctx.cwd);
  const why = (environment: EnvironmentConfig) =>
    Object.hasOwn(config.environments ?? {}, environment.name)
      ? `devenv.yaml environments.${environment.name}.protected: true`
      : `an unwritten ${environment.name} is protected unless devenv.yaml says protected: false`;
  const named = targetEnvironment(ctx, stackOptions(parsed, ctx.env));
  if (named.protected)
    return {
      environment: named,
      subject: `Environment "${named.name}" is protected (${why(named)})`,
      where: `on ${named.name} (${named.engine ?? 'the default engine'})`,
    };
  const stack = parsed.values['stack'];
  if (typeof stack !== 'string') return undefined;
  for (const name of await labelledEnvironments(ctx, stack)) {
    const labelled = name === named.name ? undefined : knownEnvironment(config, name);
    if (labelled?.protected)
      return {
        environment: labelled,
        subject: `Stack "${stack}" belongs to environment "${labelled.name}" (its labels say so), which is protected (${why(labelled)})`,
        where: `on stack ${stack} of ${labelled.name}`,
      };
  }
  return undefined;
}

export async function confirmProtectedChange(
  ctx: AppContext,
  io: CommandIO,
  command: Pick<Command, 'name' | 'effect'>,
  parsed: ParsedCommand,
): Promise<void> {
  const { effect } = command;
  if (!asksConfirmation(effect) || !runChangesStack(command, parsed) || parsed.values['yes'] === true) return;
  const target = await protectedTarget(ctx, parsed);
  if (target === undefined) return;
  const { environment, subject, where } = target;
  const readOnly = (effect.readOnlyWith ?? []).map((flag) => `--${flag}`);
  const interactive = io.isTTY && process.stdin.isTTY === true && ctx.env['CI'] !== 'true';
  if (!interactive)
    throw new DevenvError(
      'ENV_PROTECTED',
      `${subject}: \`devenv ${command.name}\` ${effect.changes} and needs confirmation.`,
      {
        hint: `Pass --yes to run \`devenv ${command.name}\` ${where} without being asked${readOnly.length > 0 ? `, or ${readOnly.join(' or ')}, which changes nothing` : ''}.`,
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
        .question(`${subject}: \`devenv ${command.name}\` ${effect.changes} ${where}. Go ahead? [y/N] `)
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
