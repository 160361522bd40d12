/** The shape of a CLI command: flags in, a use-case called, output through the renderer. */
import type { ParseArgsConfig } from 'node:util';
import type { AppContext } from '../app/context.js';
import type { DevenvEvent } from '../app/events.js';
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

export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: OptionSpec;
  /** Returns the exit code. */
  run(ctx: AppContext, io: CommandIO, parsed: ParsedCommand): Promise<number>;
  hidden?: boolean;
}

export const commonOptions: OptionSpec = {
  file: { type: 'string', short: 'f', multiple: true },
  branch: { type: 'string' },
  stack: { type: 'string' },
  profile: { type: 'string', multiple: true },
  env: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

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

export function stackOptions(parsed: ParsedCommand): {
  files?: string[];
  branch?: string;
  stack?: string;
  profiles?: string[];
  environment?: string;
} {
  const v = parsed.values;
  const result: {
    files?: string[];
    branch?: string;
    stack?: string;
    profiles?: string[];
    environment?: string;
  } = {};
  if (Array.isArray(v['file'])) result.files = v['file'] as string[];
  if (typeof v['branch'] === 'string') result.branch = nonEmpty(v['branch'], '--branch', 'branch');
  if (typeof v['stack'] === 'string') result.stack = nonEmpty(v['stack'], '--stack', 'stack');
  if (Array.isArray(v['profile'])) result.profiles = v['profile'] as string[];
  if (typeof v['env'] === 'string') result.environment = v['env'];
  return result;
}
