/** The shape of a CLI command: flags in, a use-case called, output through the renderer. */
import type { ParseArgsConfig } from 'node:util';
import type { AppContext } from '../app/context.js';
import type { DevenvEvent } from '../app/events.js';
import type { StackOptions } from '../app/stack-target.js';
import { DEFAULT_ENVIRONMENT } from '../core/config/devenv-config.js';
import { DevenvError } from '../core/errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** stdout without the secret mask: only for output whose job is the values (`devenv env`). */
  stdoutUnmasked: (text: string) => void;
  isTTY: boolean;
  /** Routes events to the renderer the flags chose (plain or JSON). */
  setRenderer(render: (event: DevenvEvent) => void): void;
}

export interface ParsedCommand {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/**
 * What a command does to the stack of the environment it is about (--env, DEVENV_ENV, dev).
 * The dispatcher (main.ts) reads it once, before the command runs: a change to a protected
 * environment goes ahead only when confirmed (asked on a terminal, --yes otherwise), and only
 * commands that change something take --yes.
 */
export type CommandEffect =
  /** Reads only: never asks, takes no --yes. */
  | 'reads'
  | {
      /** What it does there, as the question and the refusal say it: "removes the stack's containers". */
      changes: string;
      /** Flags with which a run changes nothing (gc --dry-run, test --unit): such a run does not ask. */
      readOnlyWith?: readonly string[];
      /** Runs that change nothing by their arguments (`db snapshot ls`): such a run does not ask. */
      readsWhen?: (parsed: ParsedCommand) => boolean;
    }
  | {
      changes: string;
      /**
       * Started by another command that was confirmed for this very change (the reaper of an
       * ephemeral stack, started by `up --ephemeral`): never asks, as nobody could answer.
       */
      confirmedBy: string;
    };

export interface Command {
  name: string;
  summary: string;
  /** Without --yes: commandUsage adds it to a command that asks. */
  usage: string;
  /** Without --yes: commandOptions adds it to a command that asks. */
  options: OptionSpec;
  effect: CommandEffect;
  /** Returns the exit code. */
  run(ctx: AppContext, io: CommandIO, parsed: ParsedCommand): Promise<number>;
  hidden?: boolean;
  /** It reads positional arguments (files, a branch, a service); absent: the dispatcher refuses any. */
  takesArguments?: true;
}

/** `devenv up hog` must not bring up the whole stack as if `hog` had been understood. */
export function refuseUnexpectedArguments(command: Command, parsed: ParsedCommand): void {
  const [first] = parsed.positionals;
  if (command.takesArguments || first === undefined) return;
  throw new DevenvError('USAGE', `devenv ${command.name} takes no arguments, not "${first}".`, {
    hint: `Usage: ${commandUsage(command)}`,
  });
}

export const commonOptions: OptionSpec = {
  file: { type: 'string', short: 'f', multiple: true },
  branch: { type: 'string' },
  stack: { type: 'string' },
  profile: { type: 'string', multiple: true },
  env: { type: 'string' },
  /** The engine: an address, a docker context, or swarm[:CONTEXT-OR-ADDRESS] (cli/engine-selection.ts). */
  engine: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Whether a run of this command may have to be confirmed: it changes the stack, and nothing confirmed it before. */
export function asksConfirmation(effect: CommandEffect): effect is {
  changes: string;
  readOnlyWith?: readonly string[];
  readsWhen?: (parsed: ParsedCommand) => boolean;
} {
  return effect !== 'reads' && !('confirmedBy' in effect);
}

/** Whether this run may change the stack: a command that asks, without a flag that makes it read-only. */
export function runChangesStack(command: Pick<Command, 'effect'>, parsed: ParsedCommand): boolean {
  const { effect } = command;
  if (!asksConfirmation(effect)) return false;
  if (effect.readsWhen?.(parsed) === true) return false;
  return !(effect.readOnlyWith ?? []).some((flag) => parsed.values[flag] === true);
}

/** The flags a command takes: its own, and --yes (confirms a change to a protected environment) when it asks. */
export function commandOptions(command: Pick<Command, 'options' | 'effect'>): OptionSpec {
  return asksConfirmation(command.effect)
    ? { ...command.options, yes: { type: 'boolean', short: 'y' } }
    : command.options;
}

export function commandUsage(command: Pick<Command, 'usage' | 'effect'>): string {
  return asksConfirmation(command.effect) ? `${command.usage} [--yes]` : command.usage;
}

/** --branch '' or --stack ' ' name nothing: a usage error, not a stack named "x". */
function nonEmpty(value: string, flag: string, what: string): string {
  if (value.trim() === '')
    throw new DevenvError('USAGE', `${flag} needs a ${what} name, not an empty string.`, {
      hint:
        what === 'branch'
          ? 'Pass --branch NAME, or leave it out to use the current git branch.'
          : 'Pass --stack NAME (`devenv ls` lists the stacks), or leave it out.',
    });
  return value;
}

/** The environment a command is about: --env NAME, else DEVENV_ENV, else dev. */
export function environmentOption(parsed: ParsedCommand, env: Record<string, string | undefined>): string {
  const flag = parsed.values['env'];
  if (typeof flag === 'string') return nonEmptyEnvironment(flag, '--env');
  const fromShell = env['DEVENV_ENV'];
  if (fromShell !== undefined && fromShell !== '') return nonEmptyEnvironment(fromShell, 'DEVENV_ENV');
  return DEFAULT_ENVIRONMENT;
}

function nonEmptyEnvironment(value: string, source: string): string {
  if (value.trim() === '')
    throw new DevenvError('USAGE', `${source} needs an environment name, not an empty string.`, {
      hint: 'Pass --env NAME (an environment of devenv.yaml `environments:`), or leave it out for dev.',
    });
  return value.trim();
}

export function stackOptions(
  parsed: ParsedCommand,
  env: Record<string, string | undefined> = {},
): StackOptions {
  const v = parsed.values;
  const result: StackOptions = { environment: environmentOption(parsed, env) };
  if (Array.isArray(v['file'])) result.files = v['file'] as string[];
  if (typeof v['branch'] === 'string') result.branch = nonEmpty(v['branch'], '--branch', 'branch');
  if (typeof v['stack'] === 'string') result.stack = nonEmpty(v['stack'], '--stack', 'stack');
  if (Array.isArray(v['profile'])) result.profiles = v['profile'] as string[];
  return result;
}
