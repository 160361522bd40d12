/**
 * How devenv logs in to an ssh:// engine (adapters/docker/ssh-auth.ts), with
 * HOME a temp directory: the keys it offers, and the host key verdict and
 * error when known_hosts does not vouch for the host.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sshLogin } from '../../../src/adapters/docker/ssh-auth.js';

const keyA = 'AAAAC3NzaC1lZDI1NTE5AAAAIF09lSb5TyzMtzpopJVKPELpIUe265fbvzBcjbfUsfSu';
const blobA = Buffer.from(keyA, 'base64');
const blobB = Buffer.concat([blobA.subarray(0, blobA.length - 32), Buffer.alloc(32, 7)]);
const homes: string[] = [];

async function home(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-ssh-login-'));
  homes.push(dir);
  await mkdir(join(dir, '.ssh'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, '.ssh', name), text);
  return dir;
}

afterAll(async () => {
  for (const dir of homes) await rm(dir, { recursive: true, force: true });
});

type Verifier = (key: Buffer) => boolean;
const target = { host: 'engine.example', port: 22, username: 'deploy' };

describe('logging in to an ssh:// engine', () => {
  it('offers the agent, then the default identity files that exist, in order', async () => {
    const dir = await home({ id_rsa: 'rsa key', id_ed25519: 'ed25519 key' });
    const login = sshLogin(target, { SSH_AUTH_SOCK: '/run/agent.sock' }, dir);
    expect(login.sshOptions['authHandler']).toEqual([
      { type: 'agent', username: 'deploy', agent: '/run/agent.sock' },
      { type: 'publickey', username: 'deploy', key: Buffer.from('ed25519 key') },
      { type: 'publickey', username: 'deploy', key: Buffer.from('rsa key') },
    ]);
  });

  it('says which keys the server refused', async () => {
    const dir = await home({ id_ecdsa: 'k' });
    const error = sshLogin(target, {}, dir).explain(
      Object.assign(new Error('All configured authentication methods failed'), {
        level: 'client-authentication',
      }),
    );
    expect(error?.code).toBe('ENGINE_UNTRUSTED');
    expect(error?.message).toBe(
      `The SSH server at engine.example refused devenv's keys for deploy: tried ${join(dir, '.ssh', 'id_ecdsa')}.`,
    );
    expect(error?.hint).toMatch(/ssh-copy-id deploy@engine\.example/);
  });

  it('accepts the key known_hosts holds for the host, and explains nothing then', async () => {
    const login = sshLogin(target, {}, await home({ known_hosts: `engine.example ssh-ed25519 ${keyA}\n` }));
    expect((login.sshOptions['hostVerifier'] as Verifier)(blobA)).toBe(true);
    expect(login.explain(new Error('socket hang up'))).toBeUndefined();
  });

  it('refuses an unknown host key, naming the host, its fingerprint and ssh-keyscan', async () => {
    const dir = await home({ known_hosts: `other.example ssh-ed25519 ${keyA}\n` });
    const login = sshLogin({ ...target, port: 2222 }, {}, dir);
    expect((login.sshOptions['hostVerifier'] as Verifier)(blobA)).toBe(false);
    const error = login.explain(new Error('Handshake failed'));
    expect(error?.code).toBe('ENGINE_UNTRUSTED');
    expect(error?.message).toMatch(
      /^The SSH host key of \[engine\.example\]:2222 is not in known_hosts: it presented ssh-ed25519 SHA256:\S+\. devenv does not add unknown host keys\.$/,
    );
    expect(error?.hint).toContain(
      `ssh-keyscan -p 2222 -t ssh-ed25519 engine.example >> ${join(dir, '.ssh', 'known_hosts')}`,
    );
    expect(error?.hint).toContain('ssh deploy@engine.example -p 2222');
  });

  it('refuses a changed host key, naming the known_hosts line', async () => {
    const dir = await home({ known_hosts: `# team hosts\nengine.example ssh-ed25519 ${keyA}\n` });
    const login = sshLogin(target, {}, dir);
    expect((login.sshOptions['hostVerifier'] as Verifier)(blobB)).toBe(false);
    const error = login.explain(new Error('Handshake failed'));
    expect(error?.message).toContain('The SSH host key of engine.example has CHANGED');
    expect(error?.message).toContain(`(${join(dir, '.ssh', 'known_hosts')}:2)`);
    expect(error?.hint).toContain('ssh-keygen -R engine.example');
  });
});
