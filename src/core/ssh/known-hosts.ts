/**
 * OpenSSH's known_hosts, as `ssh` reads it, for an ssh:// engine: which host
 * keys this user trusts for a host. Lines are `[@marker] hosts keytype base64 [comment]`;
 * hosts is a comma-separated list of patterns (`*`, `?`, `!negation`,
 * `[host]:port` for a port other than 22) or one hashed name `|1|salt|hmac`
 * (HMAC-SHA1 of the name keyed by the salt: `ssh-keygen -H`, HashKnownHosts).
 * `@revoked` keys are refused; `@cert-authority` lines are not supported
 * (host certificates) and are skipped. Pure: the adapter reads the files.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HostPatterns =
  { kind: 'hashed'; salt: Buffer; hash: Buffer } | { kind: 'patterns'; patterns: string[] };

export interface KnownHostEntry {
  /** The file it was read from, for messages. */
  source: string;
  /** 1-based line number in that file. */
  line: number;
  marker: 'revoked' | 'cert-authority' | undefined;
  hosts: HostPatterns;
  /** As written: ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa... */
  keyType: string;
  /** The key blob, base64 as written. */
  key: string;
}

/** Entries of one known_hosts file; lines it cannot read are skipped, as ssh does. */
export function parseKnownHosts(text: string, source: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift();
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hostField, keyType, key] = fields;
    if (hostField === undefined || keyType === undefined || key === undefined) return;
    const hosts = parseHosts(hostField);
    if (hosts === undefined) return;
    entries.push({ source, line: index + 1, marker, hosts, keyType, key });
  });
  return entries;
}

function parseHosts(field: string): HostPatterns | undefined {
  if (!field.startsWith('|')) return { kind: 'patterns', patterns: field.split(',').filter(Boolean) };
  const [, magic, salt, hash] = field.split('|');
  if (magic !== '1' || salt === undefined || hash === undefined) return undefined;
  return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** The name known_hosts records for a host: `host`, or `[host]:port` for a port other than 22. */
export function knownHostName(host: string, port: number): string {
  const lower = host.toLowerCase();
  return port === 22 ? lower : `[${lower}]:${port}`;
}

function wildcardMatch(pattern: string, name: string): boolean {
  const regex = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(name);
}

/** Whether an entry names the host (`knownHostName`): a negated pattern that matches excludes it. */
export function entryNamesHost(entry: KnownHostEntry, name: string): boolean {
  if (entry.hosts.kind === 'hashed') {
    const { salt, hash } = entry.hosts;
    const mine = createHmac('sha1', salt).update(name).digest();
    return mine.length === hash.length && timingSafeEqual(mine, hash);
  }
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false;
    } else if (wildcardMatch(pattern, name)) matched = true;
  }
  return matched;
}

/** The key type inside an SSH public key blob (its first string), e.g. "ssh-ed25519". */
export function hostKeyType(blob: Uint8Array): string {
  if (blob.length < 4) return 'unknown';
  const length = ((blob[0]! << 24) | (blob[1]! << 16) | (blob[2]! << 8) | blob[3]!) >>> 0;
  if (length > blob.length - 4) return 'unknown';
  return Buffer.from(blob.subarray(4, 4 + length)).toString('latin1');
}

/** As `ssh` prints it: SHA256:base64 without padding. */
export function hostKeyFingerprint(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export type HostKeyVerdict =
  | { kind: 'trusted'; entry: KnownHostEntry }
  /** The key is marked @revoked. */
  | { kind: 'revoked'; entry: KnownHostEntry }
  /** The host is known with another key of the same type: changed, or someone in between. */
  | { kind: 'changed'; entries: KnownHostEntry[] }
  /** No key of this type is known for the host (`otherTypes`: the types that are). */
  | { kind: 'unknown'; otherTypes: string[] };

/** What known_hosts says of the key a host presented, as `ssh` with StrictHostKeyChecking=yes decides. */
export function verifyHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  blob: Uint8Array,
): HostKeyVerdict {
  const name = knownHostName(host, port);
  const presented = Buffer.from(blob).toString('base64');
  const type = hostKeyType(blob);
  const sameKey = (entry: KnownHostEntry) =>
    Buffer.from(entry.key, 'base64').toString('base64') === presented;
  // A revoked key is refused whatever names it (ssh checks @revoked for every host).
  const revoked = entries.find((entry) => entry.marker === 'revoked' && sameKey(entry));
  if (revoked !== undefined) return { kind: 'revoked', entry: revoked };
  const forHost = entries.filter((entry) => entry.marker === undefined && entryNamesHost(entry, name));
  const trusted = forHost.find(sameKey);
  if (trusted !== undefined) return { kind: 'trusted', entry: trusted };
  const sameType = forHost.filter((entry) => entry.keyType === type);
  if (sameType.length > 0) return { kind: 'changed', entries: sameType };
  return { kind: 'unknown', otherTypes: [...new Set(forHost.map((entry) => entry.keyType))] };
}

/** The host key algorithms each key type of known_hosts is verified by. */
const algorithmsOfType: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * The host key algorithms to offer, those of the keys known_hosts holds for the
 * host first (as `ssh` orders them), so a host known by its ECDSA key is not
 * asked for its Ed25519 one and refused as unknown. `preferred`: the client's own order.
 */
export function hostKeyAlgorithms(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  preferred: readonly string[],
): string[] {
  const name = knownHostName(host, port);
  const known = new Set(
    entries
      .filter((entry) => entry.marker === undefined && entryNamesHost(entry, name))
      .flatMap((entry) => algorithmsOfType[entry.keyType] ?? []),
  );
  return [
    ...preferred.filter((algorithm) => known.has(algorithm)),
    ...preferred.filter((algorithm) => !known.has(algorithm)),
  ];
}
