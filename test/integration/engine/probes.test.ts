import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresProbe } from '../../../src/adapters/probes/postgres-probe.js';
import { redisProbe } from '../../../src/adapters/probes/redis-probe.js';
import { tcpProbe } from '../../../src/adapters/probes/tcp-probe.js';
import type { LogLine } from '../../../src/contracts/engine.js';
import { freePort, startTestRun, waitFor, type TestRun } from './test-run.js';

let run: TestRun;
let host: string;
beforeAll(async () => {
  run = await startTestRun('probes');
  host = (await run.engine.info()).publishedHost;
});
afterAll(async () => {
  await run?.cleanup();
});

async function publishedPort(id: string, containerPort: number): Promise<number> {
  const status = await run.engine.inspectContainer(id);
  const port = status?.ports.find((p) => p.containerPort === containerPort)?.hostPort;
  if (port === undefined) throw new Error(`no published port for ${containerPort}`);
  return port;
}

describe('host-side readiness probes', () => {
  it("tcp probe is false when only the engine's port proxy answers, true once a server listens", async () => {
    const id = await run.engine.createContainer(
      run.container({
        name: run.name('late-listener'),
        image: 'devenv-test/redis:7',
        entrypoint: ['/bin/sh', '-c'],
        command: ['sleep 2; exec redis-server --protected-mode no'],
        ports: [{ containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1' }],
        stopTimeoutSeconds: 1,
      }),
    );
    await run.engine.startContainer(id);
    const port = await publishedPort(id, 6379);
    // The host port is published (and accepts) before anything listens inside.
    expect(await tcpProbe(host, port)).toBe(false);
    await waitFor('server listening', () => tcpProbe(host, port), 30_000, 100);
    expect(await redisProbe(host, port)).toBe(true);
  });

  it('postgres probe is false during init (socket-only temporary server) and true once TCP accepts connections', async () => {
    const id = await run.engine.createContainer(
      run.container({
        name: run.name('postgres'),
        image: 'devenv-test/postgres:15',
        command: undefined,
        env: { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'secret', POSTGRES_DB: 'appdb' },
        ports: [{ containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1' }],
        stopTimeoutSeconds: 2,
      }),
    );
    const started = Date.now();
    await run.engine.startContainer(id);
    const port = await publishedPort(id, 5432);
    const credentials = { user: 'app', database: 'appdb' };

    // Right after start the port is published (docker-proxy accepts) but no server answers.
    expect(await postgresProbe(host, port, credentials)).toBe(false);
    let falseProbes = 0;
    await waitFor(
      'postgres ready',
      async () => {
        const ready = await postgresProbe(host, port, credentials);
        if (!ready) falseProbes++;
        return ready;
      },
      60_000,
      100,
    );
    const readyMs = Date.now() - started;
    console.log(
      `devenv-test/postgres:15: start -> probe-ready in ${readyMs} ms (${falseProbes} probes false before)`,
    );
    expect(falseProbes).toBeGreaterThan(0);

    // Ready only after the init process (and its socket-only server) finished.
    const lines: LogLine[] = [];
    await run.engine.logs(id, { follow: false }, (line) => lines.push(line));
    expect(lines.map((l) => l.text)).toContain('PostgreSQL init process complete; ready for start up.');

    // Other roles/databases: the server still answers (auth request or error), so it is up.
    expect(await postgresProbe(host, port)).toBe(true);
    expect(await postgresProbe(host, port, { user: 'nobody', database: 'nothing' })).toBe(true);
    expect(await tcpProbe(host, port)).toBe(true);
    // Speaking Redis to Postgres is not readiness.
    expect(await redisProbe(host, port)).toBe(false);

    // Stopped: the published port is gone.
    await run.engine.stopContainer(id, 5);
    expect(await postgresProbe(host, port, credentials)).toBe(false);
  });

  it('redis probe is true once redis answers PING, false on a non-redis port', async () => {
    const id = await run.engine.createContainer(
      run.container({
        name: run.name('redis'),
        image: 'devenv-test/redis:7',
        command: undefined,
        ports: [{ containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1' }],
      }),
    );
    const started = Date.now();
    await run.engine.startContainer(id);
    const port = await publishedPort(id, 6379);
    await waitFor('redis ready', () => redisProbe(host, port), 30_000, 50);
    console.log(`devenv-test/redis:7: start -> probe-ready in ${Date.now() - started} ms`);
    expect(await redisProbe(host, port)).toBe(true);
    expect(await postgresProbe(host, port)).toBe(false);
  });

  it('redis probe treats -NOAUTH as ready', async () => {
    const id = await run.engine.createContainer(
      run.container({
        name: run.name('redis-auth'),
        image: 'devenv-test/redis:7',
        command: ['redis-server', '--requirepass', 'secret'],
        ports: [{ containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1' }],
      }),
    );
    await run.engine.startContainer(id);
    const port = await publishedPort(id, 6379);
    await waitFor('redis with password ready', () => redisProbe(host, port), 30_000, 50);
    const reply = await run.engine.exec(id, ['redis-cli', 'PING']);
    expect(reply.output).toMatch(/NOAUTH/);
  });

  it('tcp probe is false on a closed port, and every probe honours an aborted signal', async () => {
    const closed = await freePort();
    const started = Date.now();
    expect(await tcpProbe('127.0.0.1', closed)).toBe(false);
    expect(await postgresProbe('127.0.0.1', closed)).toBe(false);
    expect(await redisProbe('127.0.0.1', closed)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
    const aborted = AbortSignal.abort();
    expect(await tcpProbe('127.0.0.1', closed, aborted)).toBe(false);
  });

  it('postgres probe reads the SQLSTATE: 57P03 (starting up) is not ready, other errors are', async () => {
    const errorResponse = (sqlState: string): Buffer => {
      const fields = Buffer.from(`SFATAL\0C${sqlState}\0Mmessage\0\0`, 'utf8');
      const message = Buffer.alloc(5 + fields.length);
      message.write('E', 0, 'ascii');
      message.writeInt32BE(4 + fields.length, 1);
      fields.copy(message, 5);
      return message;
    };
    let answer = errorResponse('57P03');
    let startup: Buffer | undefined;
    const fake = createServer((socket) =>
      socket.once('data', (data: Buffer) => {
        startup = data;
        // Split the reply to check that the probe waits for the whole message.
        socket.write(answer.subarray(0, 3));
        setTimeout(() => socket.end(answer.subarray(3)), 20);
      }),
    );
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    const { port } = fake.address() as AddressInfo;
    try {
      expect(await postgresProbe('127.0.0.1', port, { user: 'app', database: 'appdb' })).toBe(false);
      expect(startup?.readInt32BE(0)).toBe(startup?.length);
      expect(startup?.readInt32BE(4)).toBe(196608);
      expect(startup?.toString('utf8', 8)).toContain('user\0app\0database\0appdb\0');
      answer = errorResponse('28P01');
      expect(await postgresProbe('127.0.0.1', port)).toBe(true);
      expect(startup?.toString('utf8', 8)).toContain('user\0postgres\0');
    } finally {
      fake.close();
    }
  });

  it('protocol probes give up on a server that accepts but never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      expect(await tcpProbe('127.0.0.1', port)).toBe(true);
      const started = Date.now();
      expect(await postgresProbe('127.0.0.1', port)).toBe(false);
      expect(await redisProbe('127.0.0.1', port)).toBe(false);
      expect(Date.now() - started).toBeLessThan(3000);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const aborting = Date.now();
      expect(await redisProbe('127.0.0.1', port, controller.signal)).toBe(false);
      expect(Date.now() - aborting).toBeLessThan(500);
    } finally {
      silent.close();
    }
  });
});
