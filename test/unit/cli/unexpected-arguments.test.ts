/**
 * A command that reads no positional arguments refuses them: `devenv up hog` used to
 * bring up the whole stack as if `hog` had been understood. The commands that do read
 * them say so, and this list is the whole of them.
 */
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { commandOptions, refuseUnexpectedArguments, type Command } from '../../../src/cli/command.js';
import { commands } from '../../../src/cli/main.js';

const loaded: Command[] = await Promise.all(Object.values(commands).map((load) => load()));
const parse = (command: Command, args: string[]) =>
  parseArgs({ args, options: commandOptions(command), allowPositionals: true, strict: true });

describe('positional arguments', () => {
  it('are read by these commands only', () => {
    expect(
      loaded
        .filter((command) => command.takesArguments)
        .map((command) => command.name)
        .sort(),
    ).toEqual([
      'db load',
      'db snapshot',
      'diff',
      'init',
      'logs',
      'preview logs',
      'preview rm',
      'preview up',
      'test',
    ]);
  });

  it('are refused by every other command, naming the argument and the usage', () => {
    for (const command of loaded.filter((c) => !c.takesArguments)) {
      expect(() => refuseUnexpectedArguments(command, parse(command, ['hog']))).toThrow(
        expect.objectContaining({
          code: 'USAGE',
          message: `devenv ${command.name} takes no arguments, not "hog".`,
          hint: expect.stringContaining(`devenv ${command.name}`) as string,
        }),
      );
      expect(() => refuseUnexpectedArguments(command, parse(command, []))).not.toThrow();
    }
  });
});
