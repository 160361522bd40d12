import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../../src/contracts/engine.js';
import { apiAtLeast, healthcheckConfig } from '../../../src/adapters/docker/container-spec.js';
import { DevenvError } from '../../../src/core/errors.js';
import { freePort, startTestRun, waitFor, type TestRun } from './test-run.js';

let run: TestRun;
beforeAll(async () => {
  run = await startTestRun('containers');
});
afterAll(async () => {
  await run?.cleanup();
});

describe('networks, volumes and containers', () => {
  it('creates a network, a volume and a container with an engine-chosen port on 127.0.0.1', async () => {
    const front = run.name('front');
    const back = run.name('back');
    const volume = run.name('data');
    const frontId = await run.engine.createNetwork(front, run.labels);
    await run.engine.createNetwork(back, run.labels, { internal: true });
    expect(await run.engine.createVolume(volume, run.labels)).toBe(volume);
    expect(
      (await run.engine.listNetworks({ 'dev.devenv.test-run': run.id })).map((n) => n.name).sort(),
    ).toEqual([back, front].sort());
    expect(
      (await run.engine.listNetworks({ 'dev.devenv.test-run': run.id })).find((n) => n.name === front)?.id,
    ).toBe(frontId);
    expect((await run.engine.listVolumes({ 'dev.devenv.stack': run.stack })).map((v) => v.name)).toEqual([
      volume,
    ]);

    const id = await run.engine.createContainer(
      run.container({
        name: run.name('app'),
        env: { GREETING: 'hi there', EMPTY: '' },
        ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1' }],
        expose: ['9000', '9100-9101/udp'],
        mounts: [
          { type: 'volume', source: volume, target: '/data', readOnly: false },
          { type: 'tmpfs', target: '/scratch', sizeBytes: 8 * 1024 * 1024, mode: 0o1777 },
        ],
        networks: [
          { network: front, aliases: ['app-alias'] },
          { network: back, aliases: ['app-back'] },
        ],
        extraHosts: ['extra.test=10.1.2.3', 'other.test:10.1.2.4'],
        stopSignal: 'SIGTERM',
        workingDir: '/data',
      }),
    );
    await run.engine.startContainer(id);
    const status = await run.engine.inspectContainer(id);
    expect(status?.state).toBe('running');
    expect(status?.name).toBe(run.name('app'));
    expect(status?.labels).toMatchObject(run.labels);
    expect(status?.health).toBe('none');
    expect(status?.startedAt).toBeDefined();
    const [port] = status?.ports ?? [];
    expect(status?.ports).toHaveLength(1);
    expect(port).toMatchObject({ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1' });
    expect(port?.hostPort).toBeGreaterThan(0);

    const raw = await run.docker.getContainer(id).inspect();
    expect(Object.keys(raw.NetworkSettings.Networks).sort()).toEqual([back, front].sort());
    expect(raw.NetworkSettings.Networks[front]?.Aliases).toContain('app-alias');
    expect(raw.NetworkSettings.Networks[back]?.Aliases).toContain('app-back');
    expect(Object.keys(raw.Config.ExposedPorts ?? {}).sort()).toEqual([
      '8080/tcp',
      '9000/tcp',
      '9100/udp',
      '9101/udp',
    ]);
    expect(raw.HostConfig.Init).toBe(true);
    expect((raw.Config as { StopSignal?: string }).StopSignal).toBe('SIGTERM');

    const probe = await run.engine.exec(id, [
      'sh',
      '-c',
      'echo "$GREETING" && pwd && touch /data/x && grep " /scratch " /proc/mounts | cut -d" " -f3 && getent hosts extra.test other.test app-alias | wc -l',
    ]);
    expect(probe).toEqual({ exitCode: 0, output: 'hi there\n/data\ntmpfs\n3\n' });
  });

  it('runs a fast healthcheck to healthy and reports its log', async () => {
    const id = await run.engine.createContainer(
      run.container({
        name: run.name('health'),
        command: ['sh', '-c', 'sleep 0.6; touch /tmp/ok; exec sleep infinity'],
        healthcheck: {
          test: ['CMD-SHELL', 'test -f /tmp/ok && echo fine'],
          intervalMs: 200,
          timeoutMs: 1000,
          retries: 30,
          startPeriodMs: 0,
          startIntervalMs: 100,
        },
      }),
    );
    const raw = await run.docker.getContainer(id).inspect();
    expect(raw.Config.Healthcheck).toMatchObject({
      Test: ['CMD-SHELL', 'test -f /tmp/ok && echo fine'],
      Interval: 200_000_000,
      Timeout: 1_000_000_000,
      Retries: 30,
    });
    const started = Date.now();
    await run.engine.startContainer(id);
    const seen = new Set<string>();
    const healthy = await waitFor(
      'healthy',
      async () => {
        const status = await run.engine.inspectContainer(id);
        if (status) seen.add(status.health);
        return status?.health === 'healthy' ? status : undefined;
      },
      20_000,
      50,
    );
    console.log(`healthcheck (200 ms interval) healthy after ${Date.now() - started} ms`);
    expect(seen.has('starting')).toBe(true);
    expect(healthy.healthLog.at(-1)).toBe('fine');
    expect(
      (await run.engine.listContainers({ 'dev.devenv.stack': run.stack })).find((c) => c.id === id)?.health,
    ).toBe('healthy');
  });

  it('sends StartInterval only to engines that know it (API 1.44+)', async () => {
    const request = { test: ['CMD', 'true'], intervalMs: 200, startIntervalMs: 100 };
    expect(healthcheckConfig(request, '1.41')).toEqual({ Test: ['CMD', 'true'], Interval: 200_000_000 });
    expect(healthcheckConfig(request, '1.44')).toMatchObject({ StartInterval: 100_000_000 });
    const { apiVersion } = await run.engine.info();
    const id = await run.engine.createContainer(
      run.container({ name: run.name('start-interval'), healthcheck: request }),
    );
    const sent = (await run.docker.getContainer(id).inspect()).Config.Healthcheck as {
      StartInterval?: number;
    };
    if (!apiAtLeast(apiVersion, '1.44')) expect(sent.StartInterval ?? 0).toBe(0);
  });

  it('disables the image healthcheck with healthcheck: disabled', async () => {
    const id = await run.engine.createContainer(
      run.container({ name: run.name('nohealth'), healthcheck: 'disabled' }),
    );
    expect((await run.docker.getContainer(id).inspect()).Config.Healthcheck?.Test).toEqual(['NONE']);
  });

  it('reads logs demultiplexed into stdout and stderr lines, and reports the exit code', async () => {
    const id = await run.engine.createContainer(
      run.container({
        name: run.name('logs'),
        command: ['sh', '-c', 'echo out-1; echo err-1 >&2; printf "out-2\\nno-newline"; exit 3'],
      }),
    );
    await run.engine.startContainer(id);
    const exited = await waitFor('exit', async () => {
      const status = await run.engine.inspectContainer(id);
      return status?.state === 'exited' ? status : undefined;
    });
    expect(exited.exitCode).toBe(3);
    const lines: LogLine[] = [];
    await run.engine.logs(id, { follow: false }, (line) => lines.push(line));
    expect(lines.filter((l) => l.stream === 'stdout').map((l) => l.text)).toEqual([
      'out-1',
      'out-2',
      'no-newline',
    ]);
    expect(lines.filter((l) => l.stream === 'stderr').map((l) => l.text)).toEqual(['err-1']);

    const tail: LogLine[] = [];
    await run.engine.logs(id, { follow: false, tail: 1, timestamps: true }, (line) => tail.push(line));
    expect(tail).toHaveLength(1);
    expect(tail[0]?.text).toBe('no-newline');
    expect(tail[0]?.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('reads logs of a tty container as stdout', async () => {
    const id = await run.engine.createContainer(
      run.container({
        name: run.name('tty'),
        tty: true,
        command: ['sh', '-c', 'echo tty-out; echo tty-err >&2'],
      }),
    );
    await run.engine.startContainer(id);
    await waitFor('exit', async () => (await run.engine.inspectContainer(id))?.state === 'exited');
    const lines: LogLine[] = [];
    await run.engine.logs(id, { follow: false }, (line) => lines.push(line));
    expect(lines).toEqual([
      { stream: 'stdout', text: 'tty-out' },
      { stream: 'stdout', text: 'tty-err' },
    ]);
  });

  it('follows logs until the signal aborts', async () => {
    const id = await run.engine.createContainer(
      run.container({
        name: run.name('follow'),
        command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.05; done'],
      }),
    );
    await run.engine.startContainer(id);
    const controller = new AbortController();
    const lines: string[] = [];
    await run.engine.logs(id, { follow: true, tail: 0, signal: controller.signal }, (line) => {
      lines.push(line.text);
      if (lines.length === 5) controller.abort();
    });
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines[0]).toMatch(/^tick \d+$/);
  });

  it('follows logs until the container stops', async () => {
    const id = await run.engine.createContainer(
      run.container({ name: run.name('follow-end'), command: ['sh', '-c', 'sleep 0.3; echo one; echo two'] }),
    );
    await run.engine.startContainer(id);
    const lines: string[] = [];
    await run.engine.logs(id, { follow: true }, (line) => lines.push(line.text));
    expect(lines).toEqual(['one', 'two']);
  });

  it('returns exec exit codes and output', async () => {
    const id = await run.engine.createContainer(run.container({ name: run.name('exec') }));
    await run.engine.startContainer(id);
    const result = await run.engine.exec(id, ['sh', '-c', 'echo hello; echo oops >&2; exit 7']);
    expect(result.exitCode).toBe(7);
    // stdout and stderr are separate pipes: the engine does not order them against each other.
    expect(result.output.split('\n').sort()).toEqual(['', 'hello', 'oops']);
    expect((await run.engine.exec(id, ['true'])).exitCode).toBe(0);
    const missing = await run.engine.exec(id, ['/nonexistent-binary']).catch((e: unknown) => e);
    // The engine reports a missing binary as exit code 126/127 (or an error, on some engines).
    if (missing instanceof DevenvError) expect(missing.code).toBe('ENGINE_ERROR');
    else expect([126, 127]).toContain((missing as { exitCode: number }).exitCode);
  });

  it('puts files given by value (secrets, configs) in place before the first start', async () => {
    const id = await run.engine.createContainer(
      run.container({
        name: run.name('files'),
        files: [
          { path: '/run/secrets/api_token', content: 'tok-123', mode: 0o444 },
          { path: '/etc/app/banner.txt', content: 'hello\nworld\n', mode: 0o444 },
        ],
        command: ['sh', '-c', 'cat /run/secrets/api_token > /tmp/seen-at-start; sleep 60'],
      }),
    );
    await run.engine.startContainer(id);
    await waitFor(
      'the secret read at start',
      async () => (await run.engine.exec(id, ['cat', '/tmp/seen-at-start'])).output === 'tok-123',
    );
    expect(await run.engine.exec(id, ['cat', '/etc/app/banner.txt'])).toEqual({
      exitCode: 0,
      output: 'hello\nworld\n',
    });
    expect((await run.engine.exec(id, ['stat', '-c', '%a %u', '/run/secrets/api_token'])).output.trim()).toBe(
      '444 0',
    );
  });

  it('copies a directory out of one container and into another, keeping owners and modes', async () => {
    const volume = run.name('copy-src');
    await run.engine.createVolume(volume, run.labels);
    const source = await run.engine.createContainer(
      run.container({
        name: run.name('copy-src'),
        command: [
          'sh',
          '-c',
          'mkdir -p /data/sub && echo payload > /data/sub/file && chown -R 999:998 /data/sub && chmod 600 /data/sub/file',
        ],
        mounts: [{ type: 'volume', source: volume, target: '/data', readOnly: false }],
      }),
    );
    await run.engine.startContainer(source);
    await waitFor(
      'copy source exited',
      async () => (await run.engine.inspectContainer(source))?.state === 'exited',
    );
    // From a stopped container, out of a volume.
    const tar = await run.engine.copyFromContainer(source, '/data/sub');
    const target = await run.engine.createContainer(run.container({ name: run.name('copy-dst') }));
    await run.engine.startContainer(target);
    await run.engine.exec(target, ['mkdir', '-p', '/restore']);
    await run.engine.copyToContainer(target, '/restore', tar);
    const check = await run.engine.exec(target, [
      'sh',
      '-c',
      'cat /restore/sub/file && stat -c "%u:%g %a" /restore/sub/file /restore/sub',
    ]);
    expect(check.output).toBe('payload\n999:998 600\n999:998 755\n');
    const missing = await run.engine.copyFromContainer(target, '/nonexistent').catch((e: unknown) => e);
    expect((missing as DevenvError).code).toBe('ENGINE_ERROR');
  });

  it('stops, restarts and removes containers', async () => {
    const id = await run.engine.createContainer(run.container({ name: run.name('lifecycle') }));
    await run.engine.startContainer(id);
    await run.engine.startContainer(id); // already started: not an error
    await run.engine.restartContainer(id, 1);
    expect((await run.engine.inspectContainer(id))?.state).toBe('running');
    await run.engine.stopContainer(id, 1);
    await run.engine.stopContainer(id, 1); // already stopped: not an error
    const stopped = await run.engine.inspectContainer(id);
    expect(stopped?.state).toBe('exited');
    expect(stopped?.exitCode).toBeTypeOf('number');
    await run.engine.removeContainer(id, { force: false, volumes: true });
    expect(await run.engine.inspectContainer(id)).toBeUndefined();
    await run.engine.removeContainer(id, { force: true, volumes: true });
  });

  it('lists only the containers whose labels match the selector', async () => {
    const stack = `${run.stack}-select`;
    const a = await run.engine.createContainer(
      run.container({
        name: run.name('sel-a'),
        labels: { 'dev.devenv.stack': stack, 'dev.devenv.service': 'a', 'dev.devenv.marker': 'x' },
      }),
    );
    const b = await run.engine.createContainer(
      run.container({
        name: run.name('sel-b'),
        labels: { 'dev.devenv.stack': stack, 'dev.devenv.service': 'b' },
      }),
    );
    const byStack = await run.engine.listContainers({ 'dev.devenv.stack': stack });
    expect(byStack.map((c) => c.id).sort()).toEqual([a, b].sort());
    expect(byStack.every((c) => c.state === 'created')).toBe(true);
    const byService = await run.engine.listContainers({
      'dev.devenv.stack': stack,
      'dev.devenv.service': 'a',
    });
    expect(byService.map((c) => c.name)).toEqual([run.name('sel-a')]);
    const byPresence = await run.engine.listContainers({
      'dev.devenv.test-run': run.id,
      'dev.devenv.marker': true,
    });
    expect(byPresence.map((c) => c.id)).toEqual([a]);
    expect(await run.engine.listContainers({ 'dev.devenv.stack': `${stack}-nothing` })).toEqual([]);
  });
});

describe('port conflicts', () => {
  it('fails with PORT_TAKEN naming the port when two containers ask for the same fixed host port', async () => {
    const port = await freePort();
    const request = (suffix: string) =>
      run.container({
        name: run.name(suffix),
        ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: String(port) }],
      });
    const first = await run.engine.createContainer(request('port-1'));
    await run.engine.startContainer(first);
    const second = await run.engine.createContainer(request('port-2'));
    const error = await run.engine.startContainer(second).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('PORT_TAKEN');
    expect((error as DevenvError).message).toContain(String(port));
    expect((error as DevenvError).message).toContain(run.name('port-2'));
    expect((error as DevenvError).hint).toMatch(/fixed host port/);
  });

  it('fails with PORT_TAKEN when a host process holds the port', async () => {
    const port = await freePort();
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      const id = await run.engine.createContainer(
        run.container({
          name: run.name('port-host'),
          ports: [{ containerPort: 80, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: String(port) }],
        }),
      );
      const error = await run.engine.startContainer(id).catch((e: unknown) => e);
      expect((error as DevenvError).code).toBe('PORT_TAKEN');
      expect((error as DevenvError).message).toContain(`127.0.0.1:${port}`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
