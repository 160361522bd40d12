/**
 * Every command declares what it does to an environment's stack, and the dispatcher asks for a
 * protected environment from that declaration alone: --yes exists exactly on the commands that
 * change something, a read-only run never asks, a refusal names the fix.
 */
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/context.js';
import {
  asksConfirmation,
  commandOptions,
  commandUsage,
  runChangesStack,
  type Command,
  type CommandIO,
  type ParsedCommand,
} from '../../../src/cli/command.js';
import { commands } from '../../../src/cli/main.js';
import { confirmProtectedChange } from '../../../src/cli/protected-confirmation.js';
import { DevenvError } from '../../../src/core/errors.js';
import { parseDevenvText } from '../../support/devenv-yaml.js';

const loaded: Command[] = await Promise.all(Object.values(commands).map((load) => load()));
const byName = (name: string): Command => loaded.find((command) => command.name === name)!;

function parse(command: Command, args: string[]): ParsedCommand {
  return parseArgs({ args, options: commandOptions(command), allowPositionals: true, strict: true });
}

describe('declared effects', () => {
  it('every command declares whether it changes the stack (the table)', () => {
    const table = Object.fromEntries(
      loaded.map((command) => {
        const { effect } = command;
        if (effect === 'reads') return [command.name, 'reads'];
        if ('confirmedBy' in effect) return [command.name, `changes; confirmed by ${effect.confirmedBy}`];
        const readOnly = effect.readOnlyWith?.map((flag) => `--${flag}`).join(' ');
        const byArguments = effect.readsWhen ? ', some runs read (by their arguments)' : '';
        return [command.name, `changes${readOnly ? `, not with ${readOnly}` : ''}${byArguments}`];
      }),
    );
    expect(table).toEqual({
      up: 'changes',
      down: 'changes',
      ls: 'reads',
      env: 'reads',
      config: 'reads',
      diff: 'reads',
      logs: 'reads',
      gc: 'changes, not with --dry-run',
      doctor: 'changes, some runs read (by their arguments)',
      test: 'changes, not with --unit',
      watch: 'changes',
      __reap: 'changes; confirmed by up --ephemeral',
      'db snapshot': 'changes, some runs read (by their arguments)',
      'db seed': 'changes',
      'db reset': 'changes',
      'db dump': 'reads',
      'db load': 'changes',
      // A scratch Postgres of its own, removed afterwards: no environment's stack is touched.
      'db anonymize': 'reads',
      'preview up': 'changes',
      'preview ls': 'reads',
      'preview logs': 'reads',
      'preview rm': 'changes',
      init: 'reads',
    });
  });

  it('doctor reads, and changes only with --fix (it runs gc)', () => {
    expect(runChangesStack(byName('doctor'), parse(byName('doctor'), []))).toBe(false);
    expect(runChangesStack(byName('doctor'), parse(byName('doctor'), ['--fix']))).toBe(true);
  });

  it('--yes exists exactly on the commands that ask, in their options and their usage', () => {
    for (const command of loaded) {
      const asks = asksConfirmation(command.effect);
      expect(Object.hasOwn(command.options, 'yes'), command.name).toBe(false);
      expect(Object.hasOwn(commandOptions(command), 'yes'), command.name).toBe(asks);
      expect(commandUsage(command).includes('--yes'), command.name).toBe(asks);
    }
    expect(() => parse(byName('config'), ['--yes'])).toThrow(/Unknown option '--yes'/);
    expect(parse(byName('down'), ['-y', '--env', 'prod']).values).toMatchObject({ yes: true, env: 'prod' });
  });

  it('a flag that makes a run read-only is a boolean flag of that command', () => {
    for (const command of loaded) {
      const { effect } = command;
      if (effect === 'reads' || 'confirmedBy' in effect) continue;
      for (const flag of effect.readOnlyWith ?? [])
        expect(command.options[flag]?.type, `${command.name} --${flag}`).toBe('boolean');
    }
  });

  it('a run changes the stack unless the command reads, was confirmed before, or has a read-only flag', () => {
    const runs: [string, string[], boolean][] = [
      ['up', ['-d'], true],
      ['down', ['-v'], true],
      ['gc', [], true],
      ['gc', ['--dry-run'], false],
      ['test', [], true],
      ['test', ['--integration'], true],
      ['test', ['--unit'], false],
      ['watch', [], true],
      ['__reap', ['--stack', 's', '--pid', '1'], false],
      ['ls', [], false],
      ['diff', ['dev', 'prod'], false],
      ['db snapshot', ['ls'], false],
      ['db snapshot', ['save', 'before'], false],
      ['db snapshot', ['save', 'before', '--force'], true],
      ['db snapshot', ['restore', 'before'], true],
      ['db snapshot', ['rm', 'before'], true],
    ];
    expect(
      runs.map(([name, args]) => [name, args, runChangesStack(byName(name), parse(byName(name), args))]),
    ).toEqual(runs);
  });
});

describe('confirmation of a protected environment', () => {
  const config = parseDevenvText('environments:\n  prod:\n    protected: true\n    engine: ssh://ops@prod\n');
  const ctx = {
    cwd: '/p',
    env: { CI: 'true' },
    project: { devenvConfig: () => config },
  } as unknown as AppContext;
  // Nobody at a terminal: the tests run under CI=true, as the e2e CLI does.
  const io = { isTTY: false } as CommandIO;

  async function refusal(name: string, args: string[]): Promise<DevenvError | undefined> {
    const command = byName(name);
    try {
      await confirmProtectedChange(ctx, io, command, parse(command, args));
      return undefined;
    } catch (error) {
      if (error instanceof DevenvError) return error;
      throw error;
    }
  }

  it('refuses a change without --yes, naming the command, what it changes and the fix', async () => {
    const error = await refusal('gc', ['--env', 'prod']);
    expect({
      code: error?.code,
      exitCode: error?.exitCode,
      message: error?.message,
      hint: error?.hint,
    }).toEqual({
      code: 'ENV_PROTECTED',
      exitCode: 2,
      message:
        'Environment "prod" is protected (devenv.yaml environments.prod.protected: true): `devenv gc` removes expired stacks and leftover images and needs confirmation.',
      hint: 'Pass --yes to run `devenv gc` on prod (ssh://ops@prod) without being asked, or --dry-run, which changes nothing.',
    });
    expect((await refusal('down', ['--env', 'prod']))?.hint).toBe(
      'Pass --yes to run `devenv down` on prod (ssh://ops@prod) without being asked.',
    );
    expect((await refusal('test', ['--env', 'prod']))?.hint).toContain('or --unit, which changes nothing');
    expect((await refusal('watch', ['--env', 'prod']))?.code).toBe('ENV_PROTECTED');
  });

  it('says why an unwritten prod is protected', async () => {
    const command = byName('down');
    const bare = { ...ctx, project: { devenvConfig: () => parseDevenvText('') } } as unknown as AppContext;
    await expect(
      confirmProtectedChange(bare, io, command, parse(command, ['--env', 'prod'])),
    ).rejects.toThrow(
      'Environment "prod" is protected (an unwritten prod is protected unless devenv.yaml says protected: false)',
    );
  });

  it('takes DEVENV_ENV as --env', async () => {
    const command = byName('up');
    const fromShell = { ...ctx, env: { CI: 'true', DEVENV_ENV: 'prod' } } as AppContext;
    await expect(
      confirmProtectedChange(fromShell, io, command, parse(command, ['-d'])),
    ).rejects.toMatchObject({
      code: 'ENV_PROTECTED',
    });
  });

  it('asks for a --stack whose labels name a protected environment, whatever --env says', async () => {
    const observed: string[] = [];
    const labelled = (environment: string) =>
      ({
        ...ctx,
        backend: async () => ({
          observe: async (stack: string) => {
            observed.push(stack);
            const labels = { 'dev.devenv.stack': stack, 'dev.devenv.environment': environment };
            return { containers: [], networks: [], volumes: [{ id: 'v', name: `${stack}_data`, labels }] };
          },
        }),
      }) as unknown as AppContext;
    const down = byName('down');
    const run = (environment: string, args: string[]) =>
      confirmProtectedChange(labelled(environment), io, down, parse(down, args));
    await expect(run('prod', ['--stack', 'shop-prod'])).rejects.toMatchObject({
      code: 'ENV_PROTECTED',
      message:
        'Stack "shop-prod" belongs to environment "prod" (its labels say so), which is protected (devenv.yaml environments.prod.protected: true): `devenv down` removes the stack\'s containers and network (with -v its volumes) and needs confirmation.',
      hint: 'Pass --yes to run `devenv down` on stack shop-prod of prod without being asked.',
    });
    await expect(run('prod', ['--stack', 'shop-prod', '--env', 'staging'])).rejects.toMatchObject({
      code: 'ENV_PROTECTED',
    });
    await expect(run('staging', ['--stack', 'shop-staging'])).resolves.toBeUndefined();
    // A name this devenv.yaml does not know is another project's: not judged here.
    await expect(run('qa', ['--stack', 'other-qa'])).resolves.toBeUndefined();
    expect(observed).toEqual(['shop-prod', 'shop-prod', 'shop-staging', 'other-qa']);
    await expect(run('prod', ['--stack', 'shop-prod', '--yes'])).resolves.toBeUndefined();
    expect(observed).toHaveLength(4);
  });

  it('goes ahead with --yes, on an environment that is not protected, and for a read-only run', async () => {
    expect(await refusal('down', ['--env', 'prod', '--yes'])).toBeUndefined();
    expect(await refusal('up', ['--env', 'staging'])).toBeUndefined();
    expect(await refusal('gc', ['--env', 'prod', '--dry-run'])).toBeUndefined();
    expect(await refusal('test', ['--env', 'prod', '--unit'])).toBeUndefined();
    expect(await refusal('logs', ['--env', 'prod'])).toBeUndefined();
  });
});
