/**
 * `up` and the attached session on the in-memory engine (milliseconds, no
 * Docker): depends_on gating, the rebuild scope of b / develop.watch, and an
 * engine that shuts down under an attached session and comes back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSession } from '../../../src/app/session.js';
import { up } from '../../../src/app/up.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage, type MemoryEngine } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

async function project(files: Record<string, string>): Promise<string> {
  const created = await tempProject(files, 'devenv-fakes-');
  projects.push(created);
  return created.dir;
}

function engineWith(...images: string[]): MemoryEngine {
  const engine = memoryEngine();
  for (const image of images) withImage(engine, image);
  return engine;
}

describe('up on the memory engine', () => {
  it('starts a service_healthy dependent only once its dependency is healthy', async () => {
    const dir = await project({
      'compose.yaml': `
services:
  db:
    image: local/db
    healthcheck: { test: ["CMD", "check"], interval: 1s }
  app:
    image: local/app
    depends_on: { db: { condition: service_healthy } }
`,
    });
    const engine = engineWith('local/db', 'local/app');
    const { ctx, next } = fakeContext(dir, engine);
    const running = up(ctx, { branch: 'gate' });
    await next((e) => e.type === 'container.started' && e.service === 'db');
    // db runs but is not healthy: app is not even created.
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(engine.calls.filter((c) => c.includes('-app-'))).toEqual([]);
    engine.setHealth('db', 'healthy');
    const result = await running;
    expect(result.services.map((s) => s.service).sort()).toEqual(['app', 'db']);
    const order = engine.calls.filter((c) => c.startsWith('start '));
    expect(order.map((c) => c.replace(/^start .*-(\w+)-1$/, '$1'))).toEqual(['db', 'app']);
  });

  it('rebuilds only the services asked for (b, develop.watch), every build: service with --build', async () => {
    const dockerfile = 'FROM scratch\n';
    const dir = await project({
      'compose.yaml': `
services:
  api:
    build: ./api
  worker:
    build: ./worker
`,
      'api/Dockerfile': dockerfile,
      'worker/Dockerfile': dockerfile,
    });
    const engine = engineWith();
    const { ctx } = fakeContext(dir, engine);
    const builds = () =>
      engine.calls
        .filter((c) => c.startsWith('build '))
        .map((c) => c.replace(/^build devenv\/.*-(\w+):[0-9a-f]{16}$/, '$1'));
    await up(ctx, { branch: 'b' });
    expect(builds().sort()).toEqual(['api', 'worker']);

    engine.calls.length = 0;
    await up(ctx, { branch: 'b' });
    expect(builds()).toEqual([]);

    engine.calls.length = 0;
    await up(ctx, { branch: 'b', rebuild: ['api'] });
    expect(builds()).toEqual(['api']);

    engine.calls.length = 0;
    await up(ctx, { branch: 'b', forceBuild: true });
    expect(builds().sort()).toEqual(['api', 'worker']);

    // The dashboard's b on api: api alone is rebuilt.
    const result = await up(ctx, { branch: 'b' });
    const session = startSession(ctx, { upOptions: { branch: 'b' }, since: 0 });
    session.attach(result);
    engine.calls.length = 0;
    await session.handle({ type: 'service.rebuild', service: 'api' });
    expect(builds()).toEqual(['api']);
    session.end();
    await session.close();
  });
});

describe('up on a remote engine (memory engine with another published host)', () => {
  const compose = `
services:
  cache:
    image: local/cache
    ports: ["6379"]
    environment: { CACHE_URL: "redis://cache:6379" }
`;

  async function upOn(publishedHost: string, hostIp?: string) {
    const dir = await project({ 'compose.yaml': compose });
    const engine = memoryEngine({ publishedHost });
    withImage(engine, 'local/cache');
    const { ctx, events } = fakeContext(dir, engine);
    const result = await up(ctx, { branch: 'remote', ...(hostIp !== undefined ? { hostIp } : {}) });
    return { result, events };
  }

  it("publishes on the engine's address when it is one, lets the engine pick the port, and says so", async () => {
    const { result, events } = await upOn('10.0.0.5');
    expect(result.services[0]?.ports).toEqual([
      { containerPort: 6379, protocol: 'tcp', hostIp: '10.0.0.5', hostPort: expect.any(Number) as number },
    ]);
    const port = result.services[0]!.ports[0]!.hostPort;
    expect(result.env['CACHE_URL']).toBe(`redis://10.0.0.5:${port}`);
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'info', message: expect.stringContaining('published on 10.0.0.5') }),
    );
  });

  it('publishes on every interface of an engine named by host name, with a warning', async () => {
    const { result, events } = await upOn('devbox');
    expect(result.services[0]?.ports[0]?.hostIp).toBe('0.0.0.0');
    expect(result.env['CACHE_URL']).toMatch(/^redis:\/\/devbox:\d+$/);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'warning',
        warning: { message: expect.stringContaining('every interface of devbox') as string },
      }),
    );
  });

  it('--host-ip wins, without a notice', async () => {
    const { result, events } = await upOn('devbox', '192.168.4.4');
    expect(result.services[0]?.ports[0]?.hostIp).toBe('192.168.4.4');
    expect(result.env['CACHE_URL']).toMatch(/^redis:\/\/192\.168\.4\.4:\d+$/);
    expect(events.filter((e) => e.type === 'warning' || e.type === 'info')).toEqual([]);
  });
});

describe('attached session on the memory engine', () => {
  it('says when the engine restarts a crashed service, how often and why its run ended', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  worker:\n    image: local/worker\n' });
    const engine = engineWith('local/worker');
    const { ctx, events, next } = fakeContext(dir, engine);
    const result = await up(ctx, { branch: 'crashes' });
    const session = startSession(ctx, { upOptions: { branch: 'crashes' }, since: 0, engineRetryMs: 20 });
    session.attach(result);
    engine.log('worker', 'tick');
    await next((e) => e.type === 'log' && e.line === 'tick');

    const first = next((e) => e.type === 'service.restarted');
    engine.crashAndRestart('worker', { code: 137, oomKilled: true });
    expect(await first).toMatchObject({
      service: 'worker',
      restartCount: 1,
      reason: 'killed for want of memory (OOMKilled, no memory limit set; exit 137)',
    });
    // Followed again once it runs: the next crash is the second.
    await new Promise((resolve) => setTimeout(resolve, 100));
    engine.log('worker', 'tock');
    await next((e) => e.type === 'log' && e.line === 'tock');
    const second = next((e) => e.type === 'service.restarted' && e.restartCount === 2);
    engine.crashAndRestart('worker', { code: 3 });
    expect(await second).toMatchObject({ reason: 'exited with code 3' });
    expect(events.filter((e) => e.type === 'service.failed')).toEqual([]);
    session.end();
    await session.close();
  });

  it('an engine shutdown is reported as the engine gone, and the services are started again when it is back', async () => {
    const dir = await project({
      'compose.yaml': `
services:
  cache:
    image: local/cache
  worker:
    image: local/worker
`,
    });
    const engine = engineWith('local/cache', 'local/worker');
    const { ctx, events, next } = fakeContext(dir, engine);
    const result = await up(ctx, { branch: 'restart' });
    const session = startSession(ctx, { upOptions: { branch: 'restart' }, since: 0, engineRetryMs: 20 });
    session.attach(result);
    engine.log('worker', 'tick');
    await next((e) => e.type === 'log' && e.line === 'tick');

    const gone = next((e) => e.type === 'error');
    engine.shutDown(0);
    expect(await gone).toMatchObject({ code: 'ENGINE_UNREACHABLE' });
    const back = next((e) => e.type === 'stack.ready');
    engine.comeBack();
    await back;
    expect(events.filter((e) => e.type === 'service.failed')).toEqual([]);
    const plan = events.filter((e) => e.type === 'plan').at(-1);
    expect(plan && 'steps' in plan ? plan.steps.map((s) => s.split(' ').slice(0, 2).join(' ')) : []).toEqual([
      'service:cache StartService',
      'service:worker StartService',
    ]);
    expect(engine.containerOf('cache')?.state).toBe('running');
    // Followed again: a line logged now arrives.
    const again = next((e) => e.type === 'log' && e.line === 'tock');
    engine.log('worker', 'tock');
    await again;
    session.end();
    await session.close();
  });

  it('a dropped connection (services still running) is followed again without a reconcile', async () => {
    const dir = await project({ 'compose.yaml': 'services:\n  cache:\n    image: local/cache\n' });
    const engine = engineWith('local/cache');
    const { ctx, events, next } = fakeContext(dir, engine);
    const result = await up(ctx, { branch: 'drop' });
    const session = startSession(ctx, { upOptions: { branch: 'drop' }, since: 0, engineRetryMs: 20 });
    session.attach(result);
    const gone = next((e) => e.type === 'error');
    engine.goAway();
    await gone;
    const back = next((e) => e.type === 'engine.reconnected');
    engine.comeBack();
    await back;
    const line = next((e) => e.type === 'log' && e.line === 'after');
    engine.log('cache', 'after');
    await line;
    expect(events.filter((e) => e.type === 'plan')).toHaveLength(1);
    session.end();
    await session.close();
  });
});
