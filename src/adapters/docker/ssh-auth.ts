/**
 * How devenv logs in to an ssh:// engine, as the docker CLI's `ssh` would:
 * the agent (SSH_AUTH_SOCK), then the default identity files
 * (~/.ssh/id_ed25519, id_ecdsa, id_rsa; passphrase-protected ones are skipped,
 * they need the agent), and the host key checked against ~/.ssh/known_hosts
 * (and /etc/ssh/ssh_known_hosts) as StrictHostKeyChecking=yes does: an
 * unknown or changed key is refused, never added. These are ssh2 options
 * handed through docker-modem's `sshOptions` to every connection it opens.
 * ~/.ssh/config (Host aliases, IdentityFile, ProxyJump) is not read.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DevenvError } from '../../core/errors.js';
import { shellQuote } from '../../core/shell-quote.js';
import {
  hostKeyAlgorithms,
  hostKeyFingerprint,
  hostKeyType,
  knownHostName,
  parseKnownHosts,
  verifyHostKey,
  type HostKeyVerdict,
  type KnownHostEntry,
} from '../../core/ssh/known-hosts.js';

type Env = Record<string, string | undefined>;

export interface SshTarget {
  host: string;
  port: number;
  username: string;
}

export interface SshLogin {
  /** ssh2 connect options: authHandler, hostVerifier, readyTimeout. */
  sshOptions: Record<string, unknown>;
  /** The error to tell the user when a connection failed for a reason of ssh's own, else undefined. */
  explain(error: unknown): DevenvError | undefined;
}

const identityNames = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/** ssh2's default host key algorithms, in its order (lib/protocol/constants.js, with Ed25519 support). */
const ssh2HostKeyAlgorithms = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

function knownHostsFiles(home: string): string[] {
  return [
    join(home, '.ssh', 'known_hosts'),
    join(home, '.ssh', 'known_hosts2'),
    '/etc/ssh/ssh_known_hosts',
    '/etc/ssh/ssh_known_hosts2',
  ];
}

function readKnownHosts(files: string[]): KnownHostEntry[] {
  return files.flatMap((file) => {
    try {
      return parseKnownHosts(readFileSync(file, 'utf8'), file);
    } catch {
      return [];
    }
  });
}

interface Presented {
  verdict: HostKeyVerdict;
  keyType: string;
  fingerprint: string;
}

export function sshLogin(target: SshTarget, env: Env, home: string): SshLogin {
  const agent = env.SSH_AUTH_SOCK || undefined;
  const identities = identityNames.map((name) => join(home, '.ssh', name)).filter((path) => existsSync(path));
  const { username } = target;
  const authHandler = [
    ...(agent ? [{ type: 'agent', username, agent }] : []),
    // ssh2 skips a key it cannot parse without a passphrase and tries the next.
    ...identities.map((path) => ({ type: 'publickey', username, key: readFileSync(path) })),
  ];
  const knownFiles = knownHostsFiles(home);
  const known = readKnownHosts(knownFiles);
  let presented: Presented | undefined;
  const hostVerifier = (key: Buffer): boolean => {
    const verdict = verifyHostKey(known, target.host, target.port, key);
    presented = { verdict, keyType: hostKeyType(key), fingerprint: hostKeyFingerprint(key) };
    return verdict.kind === 'trusted';
  };
  const where = target.port === 22 ? target.host : `${target.host} -p ${target.port}`;
  const name = knownHostName(target.host, target.port);
  const userFile = knownFiles[0] ?? '~/.ssh/known_hosts';

  return {
    sshOptions: {
      authHandler,
      hostVerifier,
      readyTimeout: 10_000,
      algorithms: {
        serverHostKey: hostKeyAlgorithms(known, target.host, target.port, ssh2HostKeyAlgorithms),
      },
    },
    explain(error) {
      if (presented !== undefined && presented.verdict.kind !== 'trusted')
        return hostKeyError(target, presented, where, name, userFile, error);
      const level = (error as { level?: string } | null)?.level;
      if (level === 'client-authentication') {
        const tried = [...(agent ? [`the agent at SSH_AUTH_SOCK`] : []), ...identities.map((path) => path)];
        return new DevenvError(
          'ENGINE_UNTRUSTED',
          `The SSH server at ${target.host} refused devenv's keys for ${username}: tried ${tried.length > 0 ? tried.join(', ') : 'no key (no SSH_AUTH_SOCK agent, no ~/.ssh/id_ed25519, id_ecdsa or id_rsa)'}.`,
          {
            hint: `Check that \`ssh ${username}@${where} docker version\` works without a prompt: authorize your public key there (\`ssh-copy-id ${username}@${where}\`), and add a passphrase-protected key to an agent (\`ssh-add\`).`,
            cause: error,
          },
        );
      }
      return undefined;
    },
  };
}

function hostKeyError(
  target: SshTarget,
  presented: Presented,
  where: string,
  name: string,
  userFile: string,
  cause: unknown,
): DevenvError {
  const { verdict, keyType, fingerprint } = presented;
  const keyscan = `ssh-keyscan ${target.port === 22 ? '' : `-p ${target.port} `}-t ${keyType} ${shellQuote(target.host)}`;
  if (verdict.kind === 'changed') {
    const lines = verdict.entries.map((entry) => `${entry.source}:${entry.line}`).join(', ');
    return new DevenvError(
      'ENGINE_UNTRUSTED',
      `The SSH host key of ${name} has CHANGED: it presented ${keyType} ${fingerprint}, which is not the key known_hosts holds for it (${lines}). Someone could be in between; devenv refused to connect.`,
      {
        hint: `If the host was reinstalled or its key rotated, check the new fingerprint with its administrator, then \`ssh-keygen -R ${shellQuote(name)}\` and \`ssh ${target.username}@${where}\` once to accept the new key.`,
        cause,
      },
    );
  }
  if (verdict.kind === 'revoked') {
    return new DevenvError(
      'ENGINE_UNTRUSTED',
      `The SSH host key of ${name} (${keyType} ${fingerprint}) is marked @revoked in ${verdict.entry.source}:${verdict.entry.line}; devenv refused to connect.`,
      { hint: 'Ask the host’s administrator for its current key.', cause },
    );
  }
  const others =
    verdict.kind === 'unknown' && verdict.otherTypes.length > 0
      ? ` (known_hosts holds only its ${verdict.otherTypes.join(', ')} key${verdict.otherTypes.length > 1 ? 's' : ''}, which the server did not offer)`
      : '';
  return new DevenvError(
    'ENGINE_UNTRUSTED',
    `The SSH host key of ${name} is not in known_hosts: it presented ${keyType} ${fingerprint}${others}. devenv does not add unknown host keys.`,
    {
      hint: `Check the fingerprint with the host’s administrator, then trust it with \`ssh ${target.username}@${where}\` once (answer yes), or \`${keyscan} >> ${userFile}\`.`,
      cause,
    },
  );
}
