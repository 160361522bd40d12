/**
 * ssh2 (and its 16 MB Poly1305 WebAssembly) loads only when an ssh://
 * DOCKER_HOST is used: before that, docker-modem holds a stand-in.
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectDocker } from '../../../src/adapters/docker/connect.js';

const require = createRequire(import.meta.url);
const ssh2 = createRequire(
  createRequire(require.resolve('dockerode/package.json')).resolve('docker-modem/package.json'),
).resolve('ssh2');

describe('ssh2 deferred until an ssh:// engine is used', () => {
  it('holds a stand-in after dockerode loaded, and the real ssh2 client when ssh:// connects', async () => {
    expect((require.cache[ssh2]?.exports as { Client: { name: string } }).Client.name).toBe('DeferredClient');

    // A TCP server that closes every connection: only a real SSH client notices the handshake fail.
    const server = createServer((socket) => socket.end('not ssh\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(
        connectDocker({ DOCKER_HOST: `ssh://devenv@127.0.0.1:${port}` }, '/nonexistent'),
      ).rejects.toThrow(/ssh:\/\/devenv@127\.0\.0\.1/);
      expect((require.cache[ssh2]?.exports as { Client: { name: string } }).Client.name).toBe('Client');
    } finally {
      server.close();
    }
  });
});
