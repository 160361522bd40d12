/**
 * A preview on a remote engine over ssh:// (a real second engine in its own
 * network namespace, and Debian's OpenSSH server there whose sessions' docker
 * CLI reaches it: second-engine.sh `ssh`), as the docker CLI's ssh does it: a
 * key in ~/.ssh, the host key checked against ~/.ssh/known_hosts (hashed, as
 * HashKnownHosts writes it). HOME is a temp directory holding the test's key
 * and known_hosts, and SSH_AUTH_SOCK is unset: the user's ~/.ssh and agent are
 * never read. An unknown or changed host key is refused, and known_hosts is
 * left as it was.
 */
import { execa } from 'execa';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv, type CliResult } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { resourcesWhere } from '../support/engine-state.js';
import {
  expectPreviewRoundTrip,
  remotePreviewProject,
  type RemotePreviewProject,
} from '../support/remote-preview.js';
import { canRunSecondEngine, secondEngine } from '../support/second-engine.js';

const ws = e2eWorkspace();
const engine = secondEngine('devssh', { ssh: true });
let address = '';
let preview: RemotePreviewProject | undefined;
let sshDir = '';
const homes: string[] = [];

/** A HOME whose ~/.ssh holds the test's client key and this known_hosts text. */
async function home(knownHosts: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-ssh-home-'));
  homes.push(dir);
  await mkdir(join(dir, '.ssh'), { mode: 0o700 });
  await copyFile(join(sshDir, 'client_ed25519'), join(dir, '.ssh', 'id_ed25519'));
  await writeFile(join(dir, '.ssh', 'known_hosts'), knownHosts, { mode: 0o600 });
  return dir;
}

const sshEnv = (homeDir: string) => ({ HOME: homeDir, SSH_AUTH_SOCK: '' });

beforeAll(async () => {
  if (!canRunSecondEngine()) return;
  preview = await remotePreviewProject(ws, engine, 'ssh');
  address = await engine.address();
  sshDir = await engine.sshDir();
}, 300_000);

afterAll(async () => {
  if (!canRunSecondEngine()) return;
  await preview?.cleanup();
  await engine.remove();
  for (const dir of homes) await rm(dir, { recursive: true, force: true });
});

async function upIn(homeDir: string): Promise<CliResult & { error: Record<string, string> }> {
  const { dir, branch, env } = preview!;
  const result = await devenv(
    dir,
    ['preview', 'up', branch, '--engine', `ssh://root@${address}`, '--json'],
    env(sshEnv(homeDir)),
  );
  const line = (result.stdout + '\n' + result.stderr).split('\n').find((l) => l.includes('"type":"error"'));
  return { ...result, error: JSON.parse(line ?? '{}') as Record<string, string> };
}

describe.runIf(canRunSecondEngine())('a preview on an engine over ssh://', () => {
  it('comes up with the key in ~/.ssh and a hashed known_hosts entry, answers, streams logs and goes down', async () => {
    const homeDir = await home(await readFile(join(sshDir, 'known_hosts'), 'utf8'));
    await execa('ssh-keygen', ['-H', '-f', join(homeDir, '.ssh', 'known_hosts')]);
    const hashed = await readFile(join(homeDir, '.ssh', 'known_hosts'), 'utf8');
    expect(hashed).toMatch(/^\|1\|/);
    expect(hashed).not.toContain(address);
    await expectPreviewRoundTrip(
      preview!,
      engine,
      address,
      ['--engine', `ssh://root@${address}`],
      sshEnv(homeDir),
    );
  });

  it('refuses a host key known_hosts does not hold, says how to trust it, and adds nothing', async () => {
    const homeDir = await home('');
    const result = await upIn(homeDir);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.error).toMatchObject({ code: 'ENGINE_UNTRUSTED' });
    expect(result.error['message']).toMatch(
      new RegExp(
        `SSH host key of ${address.replace(/\./g, '\\.')} is not in known_hosts: it presented ssh-ed25519 SHA256:`,
      ),
    );
    expect(result.error['hint']).toMatch(
      new RegExp(`ssh-keyscan -t ssh-ed25519 ${address.replace(/\./g, '\\.')}`),
    );
    expect(await readFile(join(homeDir, '.ssh', 'known_hosts'), 'utf8')).toBe('');
    const left = await resourcesWhere(`dev.devenv.branch=${preview!.branch}`, engine.docker);
    expect(left.containers.length + left.networks.length).toBe(0);
  });

  it('trusts a host known_hosts knows by its ECDSA key only (asking the server for that key)', async () => {
    const { dir, env } = preview!;
    const homeDir = await home(await readFile(join(sshDir, 'known_hosts_ecdsa'), 'utf8'));
    const ls = await devenv(
      dir,
      ['preview', 'ls', '--json', '--engine', `ssh://root@${address}`],
      env(sshEnv(homeDir)),
    );
    expect(ls.exitCode, ls.stdout + ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual([]);
  });

  it('refuses a host key that changed', async () => {
    // Another ed25519 key recorded for the address: the engine's own is then a changed key.
    const other = join(await mkdtemp(join(tmpdir(), 'devenv-ssh-other-')), 'key');
    homes.push(join(other, '..'));
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherKey = (await readFile(`${other}.pub`, 'utf8')).split(' ').slice(0, 2).join(' ');
    const result = await upIn(await home(`${address} ${otherKey}\n`));
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.error).toMatchObject({ code: 'ENGINE_UNTRUSTED' });
    expect(result.error['message']).toMatch(/has CHANGED/);
    expect(result.error['hint']).toMatch(/ssh-keygen -R/);
  });
});
