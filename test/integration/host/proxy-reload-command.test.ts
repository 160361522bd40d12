/**
 * The proxy's reload command (core/proxy/reload-command.ts) run by a real shell, with a stand-in
 * `caddy` on PATH that logs its arguments and fails when asked: an unchanged Caddyfile is not
 * reloaded, a changed one is loaded and then put in place, and one Caddy refuses stays out.
 */
import { execa } from 'execa';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CADDYFILE_ENV, reloadCommand, wasReloaded } from '../../../src/core/proxy/reload-command.js';

let dir = '';
const config = () => join(dir, 'Caddyfile');
const calls = () => readFile(join(dir, 'calls'), 'utf8').catch(() => '');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devenv-reload-'));
  await writeFile(
    join(dir, 'caddy'),
    `#!/bin/sh\necho "$@" >> ${dir}/calls\ngrep -q refuse "$3" && { echo "adapting config: bad" >&2; exit 1; }\nexit 0\n`,
  );
  await chmod(join(dir, 'caddy'), 0o755);
  await writeFile(config(), 'a.localhost {\n}\n');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(caddyfile: string) {
  const [command, ...args] = reloadCommand(config());
  return execa(command!, args, {
    env: { PATH: `${dir}:${process.env['PATH']}`, [CADDYFILE_ENV]: caddyfile },
    reject: false,
    all: true,
  });
}

describe('proxy reload command', () => {
  it('keeps an unchanged Caddyfile without asking Caddy', async () => {
    const result = await run('a.localhost {\n}\n');
    expect(result.exitCode).toBe(0);
    expect(wasReloaded(result.all)).toBe(false);
    expect(await calls()).toBe('');
  });

  it('has Caddy load a changed one, then puts it in place', async () => {
    const result = await run('b.localhost {\n}\n');
    expect(result.exitCode).toBe(0);
    expect(wasReloaded(result.all)).toBe(true);
    expect(await calls()).toBe(`reload --config ${config()}.new --adapter caddyfile\n`);
    expect(await readFile(config(), 'utf8')).toBe('b.localhost {\n}\n');
  });

  it('leaves the running configuration in place when Caddy refuses the new one', async () => {
    const result = await run('refuse {\n}\n');
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toMatch(/adapting config: bad/);
    expect(await readFile(config(), 'utf8')).toBe('a.localhost {\n}\n');
  });
});
