/**
 * `devenv doctor` as a new hire meets it: a stopped engine (a real second
 * engine, stopped, behind the socket colima would have) and `--fix` starting
 * it; a socket the user may not open (an unprivileged user of this machine);
 * a secrets file git tracks or would commit, and `--fix` adding the ignore
 * line; a low inotify limit (seen in a private mount namespace where the
 * /proc file is a test file, so nothing else on this machine sees it) and
 * `--fix` raising it; a pinned port taken by this process; an expired stack
 * on the second engine, collected by `--fix`. `--json` is one object.
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorCheck } from '../../src/core/doctor/checks.js';
import { cliEnv, devenv, devenvBin, repoRoot, type CliResult } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { canRunSecondEngine, secondEngine } from '../support/second-engine.js';

interface DoctorJson {
  version: number;
  environment: string;
  ok: boolean;
  summary: { ok: number; warn: number; fail: number };
  checks: DoctorCheck[];
  fixes: { check: string; ok: boolean; detail: string }[];
}

function report(result: CliResult): DoctorJson {
  try {
    return JSON.parse(result.stdout) as DoctorJson;
  } catch {
    throw new Error(`not one JSON object (exit ${result.exitCode}):\n${result.stdout}\n${result.stderr}`);
  }
}

function checkOf(json: DoctorJson, id: DoctorCheck['id']): DoctorCheck {
  const found = json.checks.find((check) => check.id === id);
  if (!found) throw new Error(`no ${id} check in ${JSON.stringify(json.checks.map((c) => c.id))}`);
  return found;
}

const workspace = e2eWorkspace();
/** No engine there: checks of the project run, and --fix has no stack to collect on the shared engine. */
const noEngine = { DOCKER_HOST: 'unix:///nonexistent/devenv-doctor.sock' };
const redisCompose = `
services:
  cache:
    image: devenv-test/redis:7
`;

describe('--json', () => {
  it('is one object: version, environment, ok, summary, every check in order, fixes', async () => {
    const project = await workspace.project({ 'compose.yaml': redisCompose }, 'devenv-doctor-json-');
    const result = await devenv(project.dir, ['doctor', '--json']);
    const json = report(result);
    expect(json).toMatchObject({ version: 1, environment: 'dev', fixes: [] });
    expect(json.checks.map((c) => c.id)).toEqual([
      'node',
      'engine',
      'disk',
      'inotify',
      'git',
      'secrets',
      'template',
      'images',
      'ports',
      'stacks',
      'address-pools',
      'vitest',
    ]);
    for (const check of json.checks) {
      expect(['ok', 'warn', 'fail']).toContain(check.verdict);
      expect(check.seen).not.toBe('');
      if (check.verdict !== 'ok') expect(check.fix).toBeTruthy();
    }
    expect(checkOf(json, 'engine')).toMatchObject({ verdict: 'ok' });
    expect(checkOf(json, 'engine').seen).toMatch(/\(API \d+\.\d+\) at unix:\/\/\/var\/run\/docker\.sock/);
    expect(checkOf(json, 'images').seen).toContain('devenv-test/redis:7 is present');
    expect(json.ok).toBe(json.summary.fail === 0);
    expect(result.exitCode).toBe(json.ok ? 0 : 1);
  });
});

describe('secrets file', () => {
  const devenvYaml = `secrets:\n  API_TOKEN:\n    required: true\n    from: [file]\n`;
  const git = (dir: string, ...args: string[]) => execa('git', args, { cwd: dir, stdin: 'ignore' });

  it('a tracked secrets file fails with `git rm --cached`', async () => {
    const project = await workspace.project(
      {
        'compose.yaml': redisCompose,
        'devenv.yaml': devenvYaml,
        'secrets.dev.env': 'API_TOKEN=abc123456789\n',
      },
      'devenv-doctor-tracked-',
    );
    await git(project.dir, 'init', '-q');
    await git(project.dir, 'add', 'secrets.dev.env');
    const result = await devenv(project.dir, ['doctor', '--json'], noEngine);
    expect(result.exitCode).toBe(1);
    const secrets = checkOf(report(result), 'secrets');
    expect(secrets).toMatchObject({ verdict: 'fail' });
    expect(secrets.seen).toContain('secrets.dev.env is tracked by git');
    expect(secrets.fix).toContain('git rm --cached secrets.dev.env');
  });

  it('a file git would commit fails; --fix adds the .gitignore line and it is ok', async () => {
    const project = await workspace.project(
      {
        'compose.yaml': redisCompose,
        'devenv.yaml': devenvYaml,
        'secrets.dev.env': 'API_TOKEN=abc123456789\n',
        '.gitignore': 'node_modules',
      },
      'devenv-doctor-ignore-',
    );
    await git(project.dir, 'init', '-q');
    const before = checkOf(report(await devenv(project.dir, ['doctor', '--json'], noEngine)), 'secrets');
    expect(before).toMatchObject({ verdict: 'fail' });
    expect(before.fix).toContain('`secrets.*.env`');

    const fixed = report(await devenv(project.dir, ['doctor', '--fix', '--json'], noEngine));
    expect(checkOf(fixed, 'secrets')).toMatchObject({ verdict: 'ok' });
    expect(checkOf(fixed, 'secrets').fixed).toContain('added the line `secrets.*.env`');
    expect(fixed.fixes).toContainEqual(expect.objectContaining({ check: 'secrets', ok: true }));
    expect(await readFile(join(project.dir, '.gitignore'), 'utf8')).toBe('node_modules\nsecrets.*.env\n');
    const status = await git(project.dir, 'check-ignore', '-q', 'secrets.dev.env');
    expect(status.exitCode).toBe(0);
  });
});

describe('inotify limit', () => {
  /**
   * devenv in a private mount namespace where /proc/sys/fs/inotify/max_user_watches is a test
   * file: doctor reads it there, and --fix writes it there as it would the real one.
   */
  async function inNamespace(dir: string, limitFile: string, args: string[]): Promise<CliResult> {
    const script = `mount --bind "$1" /proc/sys/fs/inotify/max_user_watches && shift && exec "$@"`;
    const result = await execa(
      'unshare',
      ['-m', 'sh', '-c', script, 'sh', limitFile, process.execPath, devenvBin, ...args],
      { cwd: dir, env: cliEnv(noEngine), reject: false, timeout: 120_000 },
    );
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  }

  it.skipIf(process.platform !== 'linux' || process.getuid?.() !== 0)(
    'a limit below the project fails; --fix raises it (as root), the machine-wide one untouched',
    async () => {
      const files: Record<string, string> = { 'compose.yaml': redisCompose };
      for (let i = 0; i < 150; i++) files[`src/module-${i}.ts`] = `export const n = ${i};\n`;
      const project = await workspace.project(files, 'devenv-doctor-inotify-');
      const limitFile = join(project.dir, '..', `devenv-doctor-limit-${randomBytes(4).toString('hex')}`);
      await writeFile(limitFile, '100\n');
      const machineWide = await readFile('/proc/sys/fs/inotify/max_user_watches', 'utf8');
      try {
        const low = checkOf(
          report(await inNamespace(project.dir, limitFile, ['doctor', '--json'])),
          'inotify',
        );
        expect(low).toMatchObject({ verdict: 'fail' });
        expect(low.seen).toContain(
          'fs.inotify.max_user_watches is 100; the project has 153 files and directories',
        );
        expect(low.fix).toContain('sudo sysctl fs.inotify.max_user_watches=524288');

        const fixed = report(await inNamespace(project.dir, limitFile, ['doctor', '--fix', '--json']));
        expect(checkOf(fixed, 'inotify')).toMatchObject({ verdict: 'ok' });
        expect(checkOf(fixed, 'inotify').fixed).toBe(
          'raised fs.inotify.max_user_watches from 100 to 524288 until reboot',
        );
        expect(await readFile(limitFile, 'utf8')).toBe('524288\n');
        expect(await readFile('/proc/sys/fs/inotify/max_user_watches', 'utf8')).toBe(machineWide);
      } finally {
        await rm(limitFile, { force: true });
      }
    },
  );
});

describe('pinned host port', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it('a port the template pins that another process holds: named with its process', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const project = await workspace.project(
      {
        'compose.yaml': `services:\n  cache:\n    image: devenv-test/redis:7\n    ports: ["${port}:6379"]\n`,
      },
      'devenv-doctor-port-',
    );
    const ports = checkOf(report(await devenv(project.dir, ['doctor', '--json'])), 'ports');
    expect(ports).toMatchObject({ verdict: 'warn' });
    expect(ports.seen).toContain(`127.0.0.1:${port}/tcp (cache) by`);
    expect(ports.seen).toContain(`(pid ${process.pid})`);
    expect(ports.fix).toContain(`(pid ${process.pid})`);
  });
});

describe('a socket without permission', () => {
  const user = `devenv-dr-${randomBytes(3).toString('hex')}`;
  let created = false;
  afterAll(async () => {
    if (created) await execa('userdel', [user], { reject: false });
  });

  it.skipIf(process.getuid?.() !== 0)(
    'an unprivileged user: fails naming the socket, its group and the usermod fix',
    async () => {
      await execa('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user]);
      created = true;
      const project = await workspace.project({ 'compose.yaml': redisCompose }, 'devenv-doctor-perm-');
      await chmod(project.dir, 0o755);
      const home = join(project.dir, 'home');
      await mkdir(home);
      await execa('chown', [user, home]);
      const run = (args: string[]) =>
        execa(
          'setpriv',
          ['--reuid', user, '--regid', user, '--clear-groups', process.execPath, devenvBin, ...args],
          {
            cwd: project.dir,
            env: cliEnv({ HOME: home, USER: user, DOCKER_HOST: 'unix:///var/run/docker.sock' }),
            reject: false,
            timeout: 120_000,
          },
        );
      const result = await run(['doctor', '--json']);
      expect(result.exitCode).toBe(1);
      const engine = checkOf(report({ exitCode: 1, stdout: String(result.stdout), stderr: '' }), 'engine');
      expect(engine.verdict).toBe('fail');
      expect(engine.seen).toMatch(
        /unix:\/\/\/var\/run\/docker\.sock \(permission denied: owned by group \w+, mode 660\)/,
      );
      expect(engine.seen).toContain(`User ${user} may not open /var/run/docker.sock`);
      const group = /owned by group (\w+)/.exec(engine.seen)?.[1];
      expect(engine.fix).toBe(
        `Run \`sudo usermod -aG ${group} ${user}\`, then log out and in again (or \`newgrp ${group}\`).`,
      );

      // `up` runs the quick checks first: the same words, not an engine error.
      const up = await run(['up', '-d']);
      expect(up.exitCode).toBe(1);
      expect(String(up.stderr)).toContain('permission denied: owned by group');
      expect(String(up.stderr)).toContain(`sudo usermod -aG ${group} ${user}`);
    },
  );
});

describe.skipIf(!canRunSecondEngine())('a second engine: stopped, started by --fix; an expired stack', () => {
  const engine = secondEngine('dvdoctor');
  let home = '';
  let bin = '';
  let dir = '';
  const branch = `${workspace.prefix}-doctor-expired`;

  beforeAll(async () => {
    await engine.start();
    await engine.load('devenv-test/redis:7');
    const root = await workspace.project({ 'compose.yaml': redisCompose }, 'devenv-doctor-engine-');
    dir = root.dir;
    // The engine behind the socket colima would have; `colima start` (a stand-in) starts it.
    home = join(dir, 'home');
    bin = join(dir, 'bin');
    await mkdir(join(home, '.colima', 'default'), { recursive: true });
    await symlink(`/run/${engine.name}.sock`, join(home, '.colima', 'default', 'docker.sock'));
    await mkdir(bin);
    await writeFile(
      join(bin, 'colima'),
      `#!/bin/sh\n[ "$1" = start ] && exec bash ${repoRoot}test/support/second-engine.sh start ${engine.name} >/dev/null\nexit 2\n`,
    );
    await chmod(join(bin, 'colima'), 0o755);
  }, 180_000);

  afterAll(async () => {
    await engine.start().catch(() => undefined);
    if (dir !== '') await engine.devenv(dir, ['down', '-v', '--branch', branch]);
    await engine.remove();
  }, 120_000);

  const asColimaUser = () => ({
    HOME: home,
    PATH: `${bin}:${process.env['PATH'] ?? ''}`,
    DOCKER_HOST: `unix://${join(home, '.colima', 'default', 'docker.sock')}`,
  });

  it('an expired ephemeral stack warns with gc; --fix collects it', async () => {
    const up = await engine.devenv(dir, [
      'up',
      '-d',
      '--ephemeral',
      '--ttl',
      '1s',
      '--owner-pid',
      String(process.pid),
      '--branch',
      branch,
    ]);
    expect(up.exitCode, up.stderr).toBe(0);
    await sleep(1500); // the TTL passes: the stack is expired by its labels from now on
    const stacks = checkOf(
      report(await engine.devenv(dir, ['doctor', '--json', '--branch', branch])),
      'stacks',
    );
    expect(stacks).toMatchObject({ verdict: 'warn' });
    expect(stacks.seen).toMatch(/1 expired: \S+ \(TTL of 1 s expired/);
    expect(stacks.fix).toContain('`devenv gc`');

    const fixed = report(await engine.devenv(dir, ['doctor', '--fix', '--json', '--branch', branch]));
    expect(checkOf(fixed, 'stacks')).toMatchObject({ verdict: 'ok' });
    expect(checkOf(fixed, 'stacks').fixed).toMatch(/^ran `devenv gc`: removed \S+/);
    const left = await engine.docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`dev.devenv.branch=${branch}`] }),
    });
    expect(left).toEqual([]);
  });

  it('a stopped engine fails with what was tried and `colima start`; up stops early; --fix starts it', async () => {
    await engine.stop();
    const stopped = await devenv(dir, ['doctor', '--json'], asColimaUser());
    expect(stopped.exitCode).toBe(1);
    const check = checkOf(report(stopped), 'engine');
    expect(check).toMatchObject({ verdict: 'fail' });
    expect(check.seen).toContain(
      `Tried DOCKER_HOST, in order: unix://${home}/.colima/default/docker.sock (no such socket)`,
    );
    expect(check.fix).toBe('Start the engine: `colima start` (`devenv doctor --fix` runs it).');

    const up = await devenv(dir, ['up', '-d'], asColimaUser());
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('no such socket');
    expect(up.stderr).toContain('colima start');
    expect(up.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const fixed = report(await devenv(dir, ['doctor', '--fix', '--json'], asColimaUser()));
    expect(checkOf(fixed, 'engine')).toMatchObject({ verdict: 'ok' });
    expect(checkOf(fixed, 'engine').fixed).toContain('ran `colima start`');
    expect(fixed.fixes).toContainEqual(expect.objectContaining({ check: 'engine', ok: true }));
    expect((await engine.docker.version()).Version).toBeTruthy();
  });
});
