import { describe, expect, it } from 'vitest';
import { isBusy, reduceEvents } from '../../src/ui/ink/dashboard-reducer.js';
import { initialDashboardState } from '../../src/ui/ink/dashboard-state.js';
import { SECRET, T0, ev, mask, port, readyStack, resolved, stateOf } from './fixtures.js';

describe('dashboard reducer', () => {
  it('lists the services of the resolved stack, pending, with the header fields', () => {
    const state = stateOf([resolved]);
    expect(state).toMatchObject({
      project: 'shop',
      branch: 'main',
      stack: 'shop-main-alice-3f2a1c',
      environment: 'dev',
    });
    expect(state.services.map((s) => [s.name, s.phase])).toEqual([
      ['app', 'pending'],
      ['postgres', 'pending'],
      ['redis', 'pending'],
    ]);
    expect(isBusy(state)).toBe(false);
  });

  it('tracks a pull per layer and drops the transfer when the image is ready', () => {
    const pulling = stateOf([
      resolved,
      ev({
        type: 'image.pulling',
        service: 'redis',
        image: 'redis:7',
        progress: { id: 'a', status: 'Downloading', current: 5, total: 10 },
      }),
      ev({
        type: 'image.pulling',
        service: 'redis',
        image: 'redis:7',
        progress: { id: 'b', status: 'Pull complete' },
      }),
    ]);
    expect(pulling.transfers).toEqual([
      {
        service: 'redis',
        kind: 'pull',
        image: 'redis:7',
        status: 'Pull complete',
        layers: { a: { status: 'Downloading', current: 5, total: 10 }, b: { status: 'Pull complete' } },
      },
    ]);
    expect(pulling.services.find((s) => s.name === 'redis')?.phase).toBe('pulling');
    expect(isBusy(pulling)).toBe(true);
    const ready = stateOf(
      [ev({ type: 'image.ready', service: 'redis', image: 'redis:7', source: 'pulled', durationMs: 5 })],
      pulling,
    );
    expect(ready.transfers).toEqual([]);
    expect(ready.services.find((s) => s.name === 'redis')).toMatchObject({
      imageState: 'pulled',
      phase: 'pending',
    });
  });

  it('reads build steps from the build output', () => {
    const state = stateOf([
      resolved,
      ev({
        type: 'image.building',
        service: 'app',
        image: 'app',
        progress: { status: 'Step 3/7 : RUN npm ci' },
      }),
      ev({
        type: 'image.building',
        service: 'app',
        image: 'app',
        progress: { status: ' ---> Running in 1234' },
      }),
    ]);
    expect(state.transfers[0]).toMatchObject({
      kind: 'build',
      step: { current: 3, total: 7 },
      status: '---> Running in 1234',
    });
  });

  it('marks services ready with ports and the time it took, and counts restarts', () => {
    const state = stateOf(readyStack);
    const postgres = state.services.find((s) => s.name === 'postgres')!;
    expect(postgres).toMatchObject({
      phase: 'ready',
      readyMs: 1200,
      ports: [port(49153, 5432)],
      restarts: 0,
      startedAt: T0 + 1000,
    });
    const restarted = stateOf(
      [
        ev({ type: 'health.changed', service: 'postgres', health: 'starting', detail: 'restarting' }, 5000),
        ev({ type: 'container.stopped', service: 'postgres', container: 'shop-postgres-1' }, 5100),
        ev({ type: 'container.started', service: 'postgres', container: 'shop-postgres-1' }, 5200),
      ],
      state,
    );
    expect(restarted.services.find((s) => s.name === 'postgres')).toMatchObject({
      phase: 'starting',
      restarts: 1,
      startedAt: T0 + 5200,
    });
    expect(isBusy(restarted)).toBe(true);
  });

  it("counts the engine's restarts of a crashing service and keeps how its last run ended", () => {
    const restarted = stateOf([
      ...readyStack,
      ev(
        {
          type: 'service.restarted',
          service: 'app',
          restartCount: 3,
          reason: 'killed for want of memory (OOMKilled, limit 64 MiB; exit 137)',
        },
        9000,
      ),
    ]);
    expect(restarted.services.find((s) => s.name === 'app')).toMatchObject({
      restarts: 3,
      lastExit: 'killed for want of memory (OOMKilled, limit 64 MiB; exit 137)',
    });
  });

  it('shows a failed service with its reason and a banner, log tail masked; ready clears the banner', () => {
    const failed = stateOf([
      ...readyStack,
      ev(
        {
          type: 'service.failed',
          service: 'app',
          reason: 'its container exited with code 1',
          logTail: [`token ${SECRET}`],
        },
        9000,
      ),
    ]);
    expect(failed.services.find((s) => s.name === 'app')).toMatchObject({
      phase: 'failed',
      failure: { reason: 'its container exited with code 1', logTail: ['token ****'] },
    });
    expect(failed.banner).toMatchObject({ code: 'SERVICE_FAILED', service: 'app' });
    const ready = stateOf(
      [ev({ type: 'service.ready', service: 'app', durationMs: 1, ports: [], probe: 'tcp' })],
      failed,
    );
    expect(ready.banner).toBeUndefined();
    expect(ready.services.find((s) => s.name === 'app')?.failure).toBeUndefined();
  });

  it('stops the spinners of services up never brought up when it fails', () => {
    const state = stateOf([
      resolved,
      ev({ type: 'container.started', service: 'redis', container: 'r' }),
      ev({
        type: 'service.ready',
        service: 'redis',
        durationMs: 100,
        ports: [],
        probe: 'redis answers PING',
      }),
      ev({ type: 'container.started', service: 'postgres', container: 'p' }),
      ev({ type: 'error', code: 'PORT_TAKEN', message: 'Host port 127.0.0.1:5432 is already taken' }),
    ]);
    expect(state.services.map((s) => [s.name, s.phase])).toEqual([
      ['app', 'stopped'],
      ['postgres', 'stopped'],
      ['redis', 'ready'],
    ]);
    expect(isBusy(state)).toBe(false);
  });

  it('keeps an engine-unreachable banner until the engine shows signs of life', () => {
    const gone = stateOf([
      ev({ type: 'error', code: 'ENGINE_UNREACHABLE', message: 'No engine', hint: 'Start Docker' }),
    ]);
    expect(gone.banner).toMatchObject({ message: 'No engine', hint: 'Start Docker' });
    expect(stateOf([ev({ type: 'info', message: 'x' })], gone).banner).toBeDefined();
    expect(
      stateOf([ev({ type: 'log', service: 'app', stream: 'stdout', line: 'hi' })], gone).banner,
    ).toBeUndefined();
    // A reconnect is evidence too, with a notice, even when no service logs anything after it.
    const back = stateOf([ev({ type: 'engine.reconnected', service: 'redis' })], gone);
    expect(back.banner).toBeUndefined();
    expect(back.notices.at(-1)).toMatchObject({ message: 'engine answers again; following redis' });
  });

  it('masks the environment: secret names, URL passwords, declared names, known values', () => {
    const { env } = stateOf(readyStack);
    expect(env).toEqual({
      API_ENDPOINT: 'https://x/****',
      DATABASE_URL: 'postgresql://user:****@127.0.0.1:49153/myapp_dev',
      POSTGRES_PASSWORD: '****',
      REDIS_URL: 'redis://127.0.0.1:49154',
      STRIPE_KEY: '****',
    });
  });

  it('follows a test run: trigger, per-file results, failures, and a bounded history', () => {
    const run = (n: number, failed: number) => [
      ev(
        {
          type: 'test.run.started',
          runId: `r${n}`,
          trigger: { files: ['src/db.ts'], reason: 'changed' },
          selected: [{ file: 'test/db.test.ts', kind: 'unit', reasons: ['imports src/db.ts'] }],
        },
        n * 1000,
      ),
      ev({
        type: 'test.file.result',
        runId: `r${n}`,
        result: {
          file: 'test/db.test.ts',
          kind: 'unit',
          state: failed ? 'fail' : 'pass',
          durationMs: 10,
          tests: { passed: 3, failed, skipped: 1 },
          failures: failed
            ? [
                {
                  test: 'connects',
                  message: `expected ${SECRET}\nsecond line`,
                  location: 'test/db.test.ts:12',
                },
              ]
            : [],
        },
      }),
      ev(
        {
          type: 'test.run.finished',
          runId: `r${n}`,
          counts: { passed: 3, failed, skipped: 1 },
          durationMs: 250,
          files: [{ file: 'test/db.test.ts', state: failed ? 'fail' : 'pass' }],
        },
        n * 1000 + 250,
      ),
    ];
    const running = stateOf(run(1, 1).slice(0, 2));
    expect(running.tests.current).toMatchObject({
      state: 'running',
      counts: { passed: 3, failed: 1, skipped: 1 },
    });
    expect(running.tests.current?.failures).toEqual([
      {
        test: 'connects',
        message: 'expected ****\nsecond line',
        location: 'test/db.test.ts:12',
        file: 'test/db.test.ts',
      },
    ]);
    const many = stateOf([1, 2, 3, 4, 5, 6, 7].flatMap((n) => run(n, n % 2)));
    expect(many.tests.history.map((h) => [h.runId, h.state])).toEqual([
      ['r3', 'failed'],
      ['r4', 'passed'],
      ['r5', 'failed'],
      ['r6', 'passed'],
      ['r7', 'failed'],
    ]);
    const cancelled = stateOf(
      [run(8, 0)[0]!, ev({ type: 'test.run.cancelled', runId: 'r8', reason: 'files changed' })],
      many,
    );
    expect(cancelled.tests.current).toMatchObject({ state: 'cancelled', cancelReason: 'files changed' });
  });

  it('shows an error outside tests among the failures and fails the run, even with no failing test', () => {
    const state = stateOf([
      ev({
        type: 'test.run.started',
        runId: 'r1',
        trigger: { files: [], reason: 'run all' },
        selected: [{ file: 'test/hang.test.ts', kind: 'unit', reasons: ['run all'] }],
      }),
      ev({
        type: 'test.run.error',
        runId: 'r1',
        kind: 'stall',
        message: `no test progress for 3 s ${SECRET}`,
        files: ['test/hang.test.ts'],
      }),
      ev({
        type: 'test.run.finished',
        runId: 'r1',
        counts: { passed: 0, failed: 0, skipped: 0 },
        durationMs: 3100,
        files: [{ file: 'test/hang.test.ts', state: 'fail' }],
        errors: 1,
      }),
    ]);
    expect(state.tests.current).toMatchObject({
      state: 'failed',
      errors: 1,
      failures: [{ file: 'test/hang.test.ts', test: '(stall)', message: 'no test progress for 3 s ****' }],
    });
  });

  it('turns watch on when the watcher is ready, and ignores log lines', () => {
    const state = reduceEvents(
      initialDashboardState(),
      [ev({ type: 'watcher.ready', root: '/p', watched: 12 })],
      mask,
    );
    expect(state.watching).toBe(true);
    expect(stateOf([ev({ type: 'log', service: 'a', stream: 'stdout', line: 'x' })], state)).toBe(state);
  });
});

describe('dashboard: which vitest runs the tests', () => {
  it("shows the version in the tests panel; devenv's own also gets a notice with the reason", () => {
    const project = reduceEvents(
      initialDashboardState(),
      [ev({ type: 'test.runner', name: 'vitest', version: '3.2.4', source: 'project', location: '/p' })],
      mask,
    );
    expect(project.tests.tool).toBe('vitest 3.2.4');
    expect(project.notices).toEqual([]);
    const own = reduceEvents(
      initialDashboardState(),
      [
        ev({
          type: 'test.runner',
          name: 'vitest',
          version: '4.1.12',
          source: 'devenv',
          location: '/d',
          reason: "the project's vitest 2.1.9 is not supported (devenv drives vitest 3 and 4)",
        }),
      ],
      mask,
    );
    expect(own.tests.tool).toBe('vitest 4.1.12');
    expect(own.notices.map((n) => [n.level, n.message])).toEqual([
      [
        'warning',
        "tests run with vitest 4.1.12 (devenv's own: the project's vitest 2.1.9 is not supported (devenv drives vitest 3 and 4))",
      ],
    ]);
  });
});

describe('dashboard reducer and the proxy', () => {
  it('keeps each routed service’s URL; a service no longer routed loses it', () => {
    const routed = stateOf([
      ...readyStack,
      ev({
        type: 'stack.urls',
        stack: 'shop-main-alice-3f2a1c',
        urls: [{ service: 'app', url: 'http://app.main.alice.shop.localhost:8780/' }],
      }),
    ]);
    expect(routed.services.find((s) => s.name === 'app')?.url).toBe(
      'http://app.main.alice.shop.localhost:8780/',
    );
    expect(routed.services.find((s) => s.name === 'redis')?.url).toBeUndefined();
    const none = stateOf([
      ...readyStack,
      ev({ type: 'stack.urls', stack: 'shop-main-alice-3f2a1c', urls: [{ service: 'app', url: 'x' }] }),
      ev({ type: 'stack.urls', stack: 'shop-main-alice-3f2a1c', urls: [] }),
    ]);
    expect(none.services.find((s) => s.name === 'app')?.url).toBeUndefined();
  });
});
