/** The real secret sources: secrets files in a real git repository, commands in a real shell. */
import { execa } from 'execa';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandSecretSource } from '../../../src/adapters/secrets/command-secret-source.js';
import { fileSecretSource } from '../../../src/adapters/secrets/file-secret-source.js';
import { gitFileStatus } from '../../../src/adapters/git/git-file-status.js';
import type { SecretRequest } from '../../../src/contracts/secret-source.js';
import { DevenvError } from '../../../src/core/errors.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-secrets-'));
  dirs.push(dir);
  await execa('git', ['init', '-q'], { cwd: dir });
  for (const [name, text] of Object.entries(files)) {
    await writeFile(join(dir, name), text);
    await chmod(join(dir, name), 0o600);
  }
  return dir;
}

function notes() {
  const told: string[] = [];
  const warnings: string[] = [];
  return {
    told,
    warnings,
    onSecretValues: (values: string[]) => told.push(...values),
    warn: (message: string, hint: string) => warnings.push(`${message} ${hint}`),
  };
}

const request = (dir: string, name: string, environment: string): SecretRequest => ({
  name,
  environment,
  projectDir: dir,
  env: {},
});

async function errorOf(promise: Promise<unknown>): Promise<DevenvError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DevenvError)) throw new Error(`expected a DevenvError, got ${String(error)}`);
  return error;
}

describe('from: file (secrets.<env>.env beside devenv.yaml)', () => {
  it("reads an ignored file, only the environment's own, and tells every value first", async () => {
    const dir = await repo({
      '.gitignore': 'secrets.*.env\n',
      'secrets.dev.env': 'STRIPE_KEY=sk_dev_value_111\nOTHER="quoted other 222"\n',
      'secrets.prod.env': 'STRIPE_KEY=sk_prod_value_999\n',
    });
    const source = fileSecretSource(gitFileStatus);
    const seen = notes();
    expect(await source.read(request(dir, 'STRIPE_KEY', 'dev'), seen)).toBe('sk_dev_value_111');
    expect(seen.told).toContain('quoted other 222');
    expect(seen.told.join(' ')).not.toContain('sk_prod_value_999');
    expect(seen.warnings).toEqual([]);
    expect(await source.read(request(dir, 'MISSING', 'dev'), seen)).toBeUndefined();
    expect(await source.read(request(dir, 'STRIPE_KEY', 'staging'), seen)).toBeUndefined();
  });

  it('refuses a file git would track (not ignored), naming the .gitignore line', async () => {
    const dir = await repo({ 'secrets.dev.env': 'STRIPE_KEY=sk_dev_value_111\n' });
    const error = await errorOf(
      fileSecretSource(gitFileStatus).read(request(dir, 'STRIPE_KEY', 'dev'), notes()),
    );
    expect(error.code).toBe('SECRET_FILE_TRACKED');
    expect(error.message).toContain('secrets.dev.env is not ignored by git');
    expect(error.hint).toContain('`secrets.*.env` to .gitignore');
  });

  it('refuses a tracked file even when .gitignore names it, with git rm --cached', async () => {
    const dir = await repo({ 'secrets.dev.env': 'STRIPE_KEY=sk_dev_value_111\n' });
    await execa('git', ['add', 'secrets.dev.env'], { cwd: dir });
    await writeFile(join(dir, '.gitignore'), 'secrets.*.env\n');
    const error = await errorOf(
      fileSecretSource(gitFileStatus).read(request(dir, 'STRIPE_KEY', 'dev'), notes()),
    );
    expect(error.message).toContain('secrets.dev.env is tracked by git');
    expect(error.hint).toContain('git rm --cached secrets.dev.env');
    expect(error.message + error.hint).not.toContain('sk_dev_value_111');
  });

  it('warns about a file its group or others can read', async () => {
    const dir = await repo({
      '.gitignore': 'secrets.*.env\n',
      'secrets.dev.env': 'STRIPE_KEY=sk_dev_value_111\n',
    });
    await chmod(join(dir, 'secrets.dev.env'), 0o644);
    const seen = notes();
    expect(await fileSecretSource(gitFileStatus).read(request(dir, 'STRIPE_KEY', 'dev'), seen)).toBe(
      'sk_dev_value_111',
    );
    expect(seen.warnings).toEqual([
      'secrets.dev.env is readable by its group and others (mode 644). Run `chmod 600 secrets.dev.env`.',
    ]);
  });

  it('names a broken line by its number and never quotes it', async () => {
    const dir = await repo({
      '.gitignore': 'secrets.*.env\n',
      'secrets.dev.env': 'OK=fine\nsk broken_line_value_777\n',
    });
    const seen = notes();
    const error = await errorOf(fileSecretSource(gitFileStatus).read(request(dir, 'OK', 'dev'), seen));
    expect(error.code).toBe('SECRET_FILE_INVALID');
    expect(error.message).toBe('secrets.dev.env:2: not a KEY=value line (not shown: it may hold a secret).');
  });
});

describe('from: command', () => {
  const run = (command: string, timeoutMs?: number) =>
    commandSecretSource(timeoutMs).read(
      {
        name: 'STRIPE_KEY',
        environment: 'dev',
        projectDir: tmpdir(),
        env: { PATH: process.env.PATH },
        command,
      },
      notes(),
    );

  it("takes the command's stdout, trimmed", async () => {
    expect(await run("printf '  sk_from_command_42\\n\\n'")).toBe('sk_from_command_42');
  });

  it('a failing command is an error naming the secret and the command, not its output', async () => {
    const error = await errorOf(run('echo sk_leaked_in_output_5; echo oops >&2; exit 3'));
    expect(error.code).toBe('SECRET_COMMAND_FAILED');
    expect(error.message).toBe(
      'The command for secret STRIPE_KEY failed (exit 3): echo sk_leaked_in_output_5; echo oops >&2; exit 3',
    );
    expect(error.details).toEqual([]);
    expect(error.hint).not.toContain('oops');
  });

  it('a command that hangs (its children too) ends at the timeout with an error', async () => {
    const started = Date.now();
    const error = await errorOf(run('sleep 30; echo late', 500));
    expect(error.message).toBe(
      'The command for secret STRIPE_KEY did not finish within 0.5s: sleep 30; echo late',
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
