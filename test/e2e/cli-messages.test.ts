/**
 * What the CLI says about templates and flags it cannot use, without touching
 * the engine: each case is one exit code and one message naming what to fix.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';

// Only a regression would create anything on the engine; the reaper is there for that case.
const { prefix, project } = e2eWorkspace();

/** l0 holds 10 values; each next level repeats the previous one 10 times. */
function aliasBomb(keyPrefix: string): string {
  const levels = [`${keyPrefix}0: &l0 [x, x, x, x, x, x, x, x, x, x]`];
  for (let i = 1; i <= 9; i++)
    levels.push(
      `${keyPrefix}${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${levels.join('\n')}\n`;
}

const redis = 'services:\n  x:\n    image: ${REDIS_IMAGE:-redis:7}\n';

describe('YAML aliases', () => {
  it('an alias inside its own anchor is a YAML error naming the file and line (exit 1, no stack trace)', async () => {
    const dir = (await project({ 'compose.yaml': `${redis}a: &a [*a]\n` })).dir;
    const result = await devenv(dir, ['config']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'compose.yaml:4: invalid YAML: alias *a is inside the value it refers to (a cycle)',
    );
    expect(result.stderr).not.toMatch(/unexpected error|RangeError|\bat /);
  });

  it('a "billion laughs" compose file or devenv.yaml is a YAML error naming the file and line', async () => {
    const compose = (await project({ 'compose.yaml': `${aliasBomb('x-l')}${redis}` })).dir;
    const result = await devenv(compose, ['config', '--json']);
    expect(result.exitCode).toBe(1);
    const error = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as {
      code?: string;
      location?: { file?: string; line?: number };
      message?: string;
    };
    expect(error.code, result.stdout + result.stderr).toBe('COMPOSE_YAML');
    expect(error.location?.file).toBe('compose.yaml');
    expect(error.location?.line).toBeGreaterThan(0);
    expect(error.message).toContain('the aliases expand to more than');

    const config = (await project({ 'compose.yaml': redis, 'devenv.yaml': aliasBomb('x-l') })).dir;
    const viaConfig = await devenv(config, ['config']);
    expect(viaConfig.exitCode).toBe(1);
    expect(viaConfig.stderr).toMatch(/devenv\.yaml:\d+: invalid YAML: the aliases expand to more than/);
    expect(viaConfig.stderr).not.toMatch(/unexpected error|ReferenceError/);
  });
});

describe('finding the compose file', () => {
  it('with none, says to run devenv init, create compose.yaml or pass -f', async () => {
    const dir = (await project({ 'README.md': 'no compose file\n' })).dir;
    const result = await devenv(dir, ['config']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('devenv init minimal .');
    expect(result.stderr).toContain('create compose.yaml yourself');
    expect(result.stderr).toContain('pass -f FILE');
  });

  it('-f DIR says it is a directory and names the compose file inside it', async () => {
    const dir = (await project({ 'app/compose.yaml': redis })).dir;
    const result = await devenv(dir, ['config', '-f', 'app']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('app is a directory, not a compose file');
    expect(result.stderr).toContain('name the compose file in it: -f app/compose.yaml');
    expect(result.stderr).not.toContain('not found');
  });
});

describe('template errors', () => {
  it('a bad service name says the name is invalid and what compose allows', async () => {
    const dir = (await project({ 'compose.yaml': 'services:\n  "my app":\n    image: redis\n' })).dir;
    const result = await devenv(dir, ['config']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'compose.yaml:2 services: invalid service name "my app": compose allows letters, digits, ".", "_" and "-", starting with a letter or digit',
    );
    expect(result.stderr).not.toContain('unknown key');
  });

  it('an empty compose file is an error naming it, not a ready stack of nothing', async () => {
    const dir = (await project({ 'compose.yaml': '' })).dir;
    const up = await devenv(dir, ['up', '-d', '--branch', `${prefix}-empty`]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('compose.yaml defines no services');
    expect(up.stdout).not.toContain('ready');
  });

  it('a file whose every service needs an inactive profile says so', async () => {
    const dir = (await project({ 'compose.yaml': `${redis}    profiles: [cache]\n` })).dir;
    const up = await devenv(dir, ['up', '-d', '--branch', `${prefix}-profiles`]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('every service in compose.yaml is left out by its profiles');
    expect(up.stderr).toContain('--profile cache');
  });
});

describe('a binary file as compose file', () => {
  it('prints its error once', async () => {
    const dir = (await project({})).dir;
    await writeFile(join(dir, 'compose.yaml'), (await readFile(process.execPath)).subarray(0, 4096));
    const result = await devenv(dir, ['config']);
    expect(result.exitCode).toBe(1);
    const problem = result.stderr.split('\n').filter((line) => line.includes('compose.yaml'));
    expect(problem, result.stderr).toHaveLength(1);
  });
});

describe('flag values', () => {
  it('--timeout 0, --timeout -5, --timeout=-5 and --ttl 0 are usage errors saying the value must be positive', async () => {
    const dir = (await project({ 'compose.yaml': redis })).dir;
    const branch = `${prefix}-flags`;
    for (const [args, message] of [
      [['--timeout', '0'], '--timeout must be a positive duration, not "0".'],
      [['--timeout', '-5'], '--timeout must be a positive duration, not "-5".'],
      [['--timeout=-5'], '--timeout must be a positive duration, not "-5".'],
      [['--ephemeral', '--ttl', '0'], '--ttl must be a positive duration, not "0".'],
    ] as const) {
      const up = await devenv(dir, ['up', '-d', '--branch', branch, ...args]);
      expect(up.exitCode, up.stderr).toBe(2);
      expect(up.stderr).toContain(message);
      expect(up.stderr).not.toContain('ambiguous');
    }
  });

  it("--branch '' is a usage error", async () => {
    const dir = (await project({ 'compose.yaml': redis })).dir;
    // up names a missing file so that, should the check regress, nothing is created under an unreapable branch.
    for (const command of [['up', '-d', '-f', 'missing.yaml'], ['down'], ['env']]) {
      const result = await devenv(dir, [...command, '--branch', '']);
      expect(result.exitCode, result.stderr).toBe(2);
      expect(result.stderr).toContain('--branch needs a branch name, not an empty string.');
    }
  });
});
