import { describe, expect, it } from 'vitest';
import {
  entryNamesHost,
  hostKeyAlgorithms,
  hostKeyFingerprint,
  hostKeyType,
  knownHostName,
  parseKnownHosts,
  verifyHostKey,
} from '../../../src/core/ssh/known-hosts.js';

/** A host key as the server sends it (and known_hosts stores it, base64). */
const keyA = 'AAAAC3NzaC1lZDI1NTE5AAAAIF09lSb5TyzMtzpopJVKPELpIUe265fbvzBcjbfUsfSu';
const blobA = Buffer.from(keyA, 'base64');
function ed25519Blob(fill: number): Buffer {
  const type = Buffer.from('ssh-ed25519');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(type.length);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(32);
  return Buffer.concat([head, type, size, Buffer.alloc(32, fill)]);
}
const blobB = ed25519Blob(7);
const keyB = blobB.toString('base64');

// Made by `ssh-keygen -H` (OpenSSH 9.2) from "10.0.0.5 ..." and "[example.com]:2222 ...".
const hashed = `|1|DYaQoPgUBRfhhlS23jDfhs0Y+1Q=|b4ZyxyU+GoH8HrGvBQfpvo0Tt+Y= ssh-ed25519 ${keyA}
|1|ANE3Al+vsE3xAXN0QgLumohBxyg=|szqlCgrCiwRnTTW/r0awQglNKBU= ssh-ed25519 ${keyA}
`;

describe('known_hosts', () => {
  it('reads plain, hashed and marked lines, skipping comments, blanks and what it cannot read', () => {
    const entries = parseKnownHosts(
      `# a comment

host1,10.0.0.1 ssh-ed25519 ${keyA} comment here
@revoked * ssh-ed25519 ${keyB}
@cert-authority *.example.com ssh-ed25519 ${keyB}
@bogus host ssh-ed25519 ${keyB}
only-a-host
|2|x|y ssh-ed25519 ${keyB}
${hashed}`,
      '/home/u/.ssh/known_hosts',
    );
    expect(entries.map((e) => [e.line, e.marker, e.hosts.kind, e.keyType])).toEqual([
      [3, undefined, 'patterns', 'ssh-ed25519'],
      [4, 'revoked', 'patterns', 'ssh-ed25519'],
      [5, 'cert-authority', 'patterns', 'ssh-ed25519'],
      [9, undefined, 'hashed', 'ssh-ed25519'],
      [10, undefined, 'hashed', 'ssh-ed25519'],
    ]);
    expect(entries[0]).toMatchObject({
      source: '/home/u/.ssh/known_hosts',
      hosts: { patterns: ['host1', '10.0.0.1'] },
      key: keyA,
    });
  });

  it('names a host on another port as [host]:port, lower case', () => {
    expect(knownHostName('Example.COM', 22)).toBe('example.com');
    expect(knownHostName('example.com', 2222)).toBe('[example.com]:2222');
  });

  it('matches hashed names as ssh-keygen -H wrote them, for port 22 and another port', () => {
    const [plain22, other] = parseKnownHosts(hashed, 'f');
    expect(entryNamesHost(plain22!, '10.0.0.5')).toBe(true);
    expect(entryNamesHost(plain22!, '10.0.0.6')).toBe(false);
    expect(entryNamesHost(other!, '[example.com]:2222')).toBe(true);
    expect(entryNamesHost(other!, 'example.com')).toBe(false);
  });

  it('matches wildcards and lets a negated pattern exclude a host', () => {
    const [entry] = parseKnownHosts(`*.example.com,!bad.example.com,10.0.?.1 ssh-ed25519 ${keyA}`, 'f');
    expect(entryNamesHost(entry!, 'a.example.com')).toBe(true);
    expect(entryNamesHost(entry!, 'bad.example.com')).toBe(false);
    expect(entryNamesHost(entry!, 'example.com')).toBe(false);
    expect(entryNamesHost(entry!, '10.0.7.1')).toBe(true);
    expect(entryNamesHost(entry!, '10.0.77.1')).toBe(false);
    // Regex characters in a pattern are literal.
    expect(entryNamesHost(entry!, '10x0.7.1')).toBe(false);
  });

  it('reads the key type from the blob and prints the fingerprint as ssh does', () => {
    expect(hostKeyType(blobA)).toBe('ssh-ed25519');
    expect(hostKeyType(Buffer.from([0, 0, 0, 50, 1]))).toBe('unknown');
    // `ssh-keygen -lf` of that key printed this fingerprint.
    expect(hostKeyFingerprint(blobA)).toBe('SHA256:i4ccyiYPUrKKQaw2xu+s9Z35xP3taLSnghUNPPOlC8s');
  });

  it('trusts the key known for the host, refuses a changed, unknown or revoked one', () => {
    const entries = parseKnownHosts(
      `engine.example ssh-ed25519 ${keyA}
[engine.example]:2222 ecdsa-sha2-nistp256 AAAA
${hashed}`,
      'kh',
    );
    expect(verifyHostKey(entries, 'engine.example', 22, blobA)).toMatchObject({
      kind: 'trusted',
      entry: { line: 1 },
    });
    expect(verifyHostKey(entries, '10.0.0.5', 22, blobA)).toMatchObject({ kind: 'trusted' });
    expect(verifyHostKey(entries, 'engine.example', 22, blobB)).toMatchObject({
      kind: 'changed',
      entries: [{ source: 'kh', line: 1 }],
    });
    expect(verifyHostKey(entries, 'engine.example', 2222, blobB)).toEqual({
      kind: 'unknown',
      otherTypes: ['ecdsa-sha2-nistp256'],
    });
    expect(verifyHostKey(entries, 'elsewhere', 22, blobA)).toEqual({ kind: 'unknown', otherTypes: [] });
    const revoked = parseKnownHosts(
      `engine.example ssh-ed25519 ${keyB}\n@revoked * ssh-ed25519 ${keyB}`,
      'kh',
    );
    expect(verifyHostKey(revoked, 'engine.example', 22, blobB)).toMatchObject({
      kind: 'revoked',
      entry: { line: 2 },
    });
  });

  it('offers the algorithms of the keys known for the host first, as ssh does', () => {
    const preferred = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
    const entries = parseKnownHosts(
      `old.example ecdsa-sha2-nistp256 AAAA\nrsa.example ssh-rsa AAAA\n@revoked new.example ecdsa-sha2-nistp256 AAAA\n`,
      'kh',
    );
    expect(hostKeyAlgorithms(entries, 'old.example', 22, preferred)).toEqual([
      'ecdsa-sha2-nistp256',
      'ssh-ed25519',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ]);
    expect(hostKeyAlgorithms(entries, 'rsa.example', 22, preferred)).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
    ]);
    expect(hostKeyAlgorithms(entries, 'new.example', 22, preferred)).toEqual(preferred);
  });
});
