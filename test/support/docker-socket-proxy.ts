/**
 * A Docker engine a test can take away and bring back without touching the
 * real one (other tests share it): a unix socket that forwards every
 * connection to the engine's socket. stop() closes the listening socket (its
 * file goes with it) and destroys every open connection, log-follow streams
 * included, as an engine that went away would; start() listens again on the
 * same path. Point devenv at it with DOCKER_HOST=proxy.dockerHost.
 */
import { rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface DockerSocketProxy {
  readonly path: string;
  /** unix://<path>, for DOCKER_HOST. */
  readonly dockerHost: string;
  readonly listening: boolean;
  /** Connections accepted since the proxy was created. */
  readonly accepted: number;
  /** Client connections open now. */
  readonly open: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The real engine's socket: DOCKER_HOST when it is a unix socket, else the usual path. */
export function engineSocketPath(env: Record<string, string | undefined> = process.env): string {
  const host = env['DOCKER_HOST']?.trim();
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

export function dockerSocketProxy(path: string, upstream: string = engineSocketPath()): DockerSocketProxy {
  let server: Server | undefined;
  let accepted = 0;
  /** Each client connection with its upstream connection. */
  const pairs = new Map<Socket, Socket>();

  const forward = (client: Socket) => {
    accepted += 1;
    const engine = createConnection(upstream);
    pairs.set(client, engine);
    const close = () => {
      pairs.delete(client);
      client.destroy();
      engine.destroy();
    };
    client.on('error', close).on('close', close);
    engine.on('error', close).on('close', close);
    client.pipe(engine);
    engine.pipe(client);
  };

  return {
    path,
    dockerHost: `unix://${path}`,
    get listening() {
      return server !== undefined;
    },
    get accepted() {
      return accepted;
    },
    get open() {
      return pairs.size;
    },
    async start() {
      if (server) return;
      await rm(path, { force: true });
      const listening = createServer(forward);
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(path, () => {
          listening.off('error', reject);
          resolve();
        });
      });
      server = listening;
    },
    async stop() {
      const listening = server;
      server = undefined;
      if (!listening) return;
      const closed = new Promise<void>((resolve) => listening.close(() => resolve()));
      for (const [client, engine] of pairs) {
        client.destroy();
        engine.destroy();
      }
      pairs.clear();
      await closed;
      await rm(path, { force: true });
    },
  };
}
