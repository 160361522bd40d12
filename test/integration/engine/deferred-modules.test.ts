/**
 * What dockerode loads as it is imported but devenv rarely uses waits for its
 * first use (adapters/docker/deferred-modules.ts): ssh2 (and its 16 MB Poly1305
 * WebAssembly) until an ssh:// DOCKER_HOST is used, dockerode's BuildKit session
 * (grpc, protobufjs) until a session is asked for.
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectDocker } from '../../../src/adapters/docker/connect.js';

const require = createRequire(import.meta.url);
const dockerode = createRequire(require.resolve('dockerode/package.json'));
const ssh2 = createRequire(dockerode.resolve('docker-modem/package.json')).resolve('ssh2');
const session = dockerode.resolve('./lib/session.js');
const grpcLoaded = () => Object.keys(require.cache).some((path) => path.includes('/@grpc/grpc-js/'));

type Exports<T> = { exports: T } | undefined;

describe('dependencies of dockerode deferred until used', () => {
  it('holds a stand-in for ssh2 after dockerode loaded, and the real ssh2 client when ssh:// connects', async () => {
    await connectDocker(process.env);
    const cached = () => (require.cache[ssh2] as Exports<{ Client: { name: string } }>)?.exports.Client.name;
    expect(cached()).toBe('DeferredClient');

    // A TCP server that closes every connection: only a real SSH client notices the handshake fail.
    const server = createServer((socket) => socket.end('not ssh\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      await expect(
        connectDocker({ DOCKER_HOST: `ssh://devenv@127.0.0.1:${port}` }, '/nonexistent'),
      ).rejects.toThrow(/ssh:\/\/devenv@127\.0\.0\.1/);
      expect(cached()).toBe('Client');
    } finally {
      server.close();
    }
  });

  it('loads the BuildKit session (grpc) only when one is asked for', async () => {
    await connectDocker(process.env);
    expect(grpcLoaded()).toBe(false);
    const withSession = (require.cache[session] as Exports<(...args: unknown[]) => void>)?.exports;
    expect(withSession).toBeTypeOf('function');
    // The stand-in hands the call to the real one: a dial that fails reaches the handler.
    const failed = await new Promise<unknown>((resolve) =>
      withSession?.(
        { modem: { dial: (_: unknown, done: (e: Error) => void) => done(new Error('no engine')) } },
        {},
        resolve,
      ),
    );
    expect(failed).toMatchObject({ message: 'no engine' });
    expect(grpcLoaded()).toBe(true);
  });
});
