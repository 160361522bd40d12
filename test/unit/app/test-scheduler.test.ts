/**
 * The test-run scheduler against an in-memory runner: which files each run
 * covers, cancellation by a newer change, carry-over of unfinished files,
 * merging of changes that arrive during a run. Runs and results are driven by
 * the test (no timers, no vitest, no engine).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectFiles } from '../../../src/adapters/fs/project-files.js';
import type { AppContext } from '../../../src/app/context.js';
import type { DevenvEvent } from '../../../src/app/events.js';
import type { IntegrationEnvironment } from '../../../src/app/testing/integration-environment.js';
import { openTestScheduler } from '../../../src/app/testing/open-test-scheduler.js';
import { discoverProjectTests } from '../../../src/app/testing/project-tests.js';
import { TestRunScheduler } from '../../../src/app/testing/test-scheduler.js';
import { TestSelection } from '../../../src/app/testing/test-selection.js';
import type { FileChange } from '../../../src/core/affected/file-events.js';
import { defaultDevenvConfig } from '../../../src/core/config/parse-devenv-config.js';
import type { TestKind } from '../../../src/core/testing/test-model.js';
import { FakeTestRunner } from '../../support/fakes/fake-test-runner.js';

const A = 'test/unit/a.test.ts';
const B = 'test/unit/b.test.ts';
const C = 'test/unit/c.test.ts';
const DB = 'test/integration/db.test.ts';

const imports = {
  [A]: ['src/a.ts'],
  [B]: ['src/b.ts', 'src/shared.ts'],
  [C]: ['src/c.ts', 'src/shared.ts'],
  [DB]: ['src/db.ts'],
};

const changed = (...paths: string[]): FileChange[] => paths.map((path) => ({ path, kind: 'changed' }));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The time the use-cases see: still unless a test moves it. */
const clock = { time: 0, now: () => clock.time };

function context(root: string) {
  const events: DevenvEvent[] = [];
  clock.time = 0;
  const ctx = {
    cwd: root,
    env: {},
    clock,
    signal: new AbortController().signal,
    emit: (event: Omit<DevenvEvent, 'time'>) => events.push({ ...event, time: 0 } as DevenvEvent),
    project: projectFiles,
  } as unknown as AppContext;
  return { ctx, events };
}

async function setup(
  options: { kinds?: TestKind[]; reloadable?: boolean; watching?: boolean; stallTimeoutMs?: number } = {},
) {
  const root = await mkdtemp(join(tmpdir(), 'devenv-scheduler-'));
  const runner = new FakeTestRunner({
    root,
    files: [A, B, C, DB],
    imports,
    reloadable: options.reloadable ?? false,
  });
  const { ctx, events } = context(root);
  const scheduler = await openTestScheduler(ctx, {
    runner,
    config: {
      ...defaultDevenvConfig(),
      tests: { ...defaultDevenvConfig().tests, stallTimeoutMs: options.stallTimeoutMs ?? 60_000 },
    },
    ...(options.kinds ? { kinds: options.kinds } : {}),
  });
  if (options.watching !== false) scheduler.watchWith({ close: () => Promise.resolve() });
  cleanups.push(async () => {
    await scheduler.close();
    await rm(root, { recursive: true, force: true });
  });
  return { root, runner, scheduler, events };
}

/** Per run: what started, which files reported, and how it ended. */
function runs(events: readonly DevenvEvent[]) {
  const byId = new Map<string, { files: string[]; reported: string[]; ended?: string }>();
  for (const event of events) {
    if (event.type === 'test.run.started')
      byId.set(event.runId, { files: event.selected.map((file) => file.file), reported: [] });
    if (event.type === 'test.file.result') byId.get(event.runId)?.reported.push(event.result.file);
    if (event.type === 'test.run.finished') byId.get(event.runId)!.ended = 'finished';
    if (event.type === 'test.run.cancelled') byId.get(event.runId)!.ended = `cancelled: ${event.reason}`;
  }
  return Object.fromEntries(byId);
}

function started(events: readonly DevenvEvent[], runId: string) {
  const event = events.find((e) => e.type === 'test.run.started' && e.runId === runId);
  if (event?.type !== 'test.run.started') throw new Error(`${runId} did not start`);
  return event;
}

describe('TestRunScheduler', () => {
  it('runs exactly the tests that import a changed file, and reports each result and the totals', async () => {
    const { runner, scheduler, events } = await setup();
    scheduler.onChanges(changed('src/a.ts'));
    const run = await runner.nextRun();
    expect(run.files).toEqual([A]);
    run.report(A, 'pass');
    run.end();
    await scheduler.idle();

    expect(runner.calls).toContain('invalidate src/a.ts');
    expect(started(events, 'run-1')).toMatchObject({
      trigger: { files: ['src/a.ts'], reason: 'change' },
      selected: [{ file: A, kind: 'unit', reasons: ['imports src/a.ts (src/a.ts <- test/unit/a.test.ts)'] }],
    });
    expect(events.find((e) => e.type === 'test.run.finished')).toMatchObject({
      runId: 'run-1',
      counts: { passed: 1, failed: 0, skipped: 0 },
      files: [{ file: A, state: 'pass' }],
    });
    expect(runs(events)).toEqual({ 'run-1': { files: [A], reported: [A], ended: 'finished' } });
  });

  it('cancels a run when a newer change comes, and carries its unfinished files into the next run', async () => {
    const { runner, scheduler, events } = await setup();
    scheduler.onChanges(changed('src/shared.ts'));
    const first = await runner.nextRun();
    expect(first.files).toEqual([B, C]);
    first.report(B, 'pass');

    scheduler.onChanges(changed('src/a.ts'));
    expect(first.cancelled).toBe(true);
    first.report(C, 'fail'); // too late: the run was cancelled
    const second = await runner.nextRun();
    expect(second.files).toEqual([A, C]); // B finished in the first run; C carried over
    second.report(A, 'pass');
    second.report(C, 'pass');
    second.end();
    await scheduler.idle();

    expect(runs(events)).toEqual({
      'run-1': { files: [B, C], reported: [B], ended: 'cancelled: superseded by a newer change' },
      'run-2': { files: [A, C], reported: [A, C], ended: 'finished' },
    });
    expect(started(events, 'run-2').selected.find((file) => file.file === C)?.reasons).toEqual([
      'imports src/shared.ts (src/shared.ts <- test/unit/c.test.ts)',
    ]);
    expect(started(events, 'run-2').trigger).toEqual({ files: ['src/a.ts'], reason: 'change' });
  });

  it('merges every change that arrives during a run into one next run', async () => {
    const { runner, scheduler, events } = await setup();
    scheduler.onChanges(changed('src/a.ts'));
    const first = await runner.nextRun();
    scheduler.onChanges(changed('src/b.ts'));
    scheduler.onChanges(changed('src/c.ts'));
    const second = await runner.nextRun();
    second.end();
    await scheduler.idle();

    expect(runner.runs).toHaveLength(2);
    expect(first.cancelled).toBe(true);
    // The files of the new changes start first; the cancelled run's file, carried over, after them.
    expect(second.files).toEqual([B, C, A]);
    expect(started(events, 'run-2').trigger).toEqual({ files: ['src/b.ts', 'src/c.ts'], reason: 'change' });
  });

  it('reruns only the files that failed in the last finished run', async () => {
    const { runner, scheduler, events } = await setup();
    const all = scheduler.runAll();
    const first = await runner.nextRun();
    expect(first.files).toEqual([DB, A, B, C]);
    expect(first.envOf(DB)).toEqual({}); // no compose file: integration tests run with no stack env
    first.report(A, 'fail');
    for (const file of [B, C, DB]) first.report(file, 'pass');
    first.end();
    await all;

    const rerun = scheduler.rerunFailed();
    const second = await runner.nextRun();
    expect(second.files).toEqual([A]);
    second.report(A, 'pass');
    second.end();
    await rerun;
    expect(started(events, 'run-2')).toMatchObject({
      trigger: { files: [], reason: 'rerun failed' },
      selected: [{ file: A, kind: 'unit', reasons: ['failed in the last run'] }],
    });

    await scheduler.rerunFailed();
    expect(runner.runs).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'info', message: 'no failed tests to rerun' });
  });

  it('does not count a cancelled run for rerunFailed', async () => {
    const { runner, scheduler } = await setup();
    scheduler.onChanges(changed('src/a.ts'));
    const first = await runner.nextRun();
    first.report(A, 'fail');
    scheduler.onChanges(changed('src/b.ts'));
    const second = await runner.nextRun();
    second.report(B, 'pass');
    second.end();
    await scheduler.idle();
    await scheduler.rerunFailed();
    expect(runner.runs).toHaveLength(2);
  });

  it('runs only the kinds asked for', async () => {
    const { runner, scheduler } = await setup({ kinds: ['unit'] });
    const all = scheduler.runAll();
    const run = await runner.nextRun();
    run.end();
    await all;
    expect(run.files).toEqual([A, B, C]);
    expect(scheduler.selectAll('devenv test').map((file) => file.file)).toEqual([A, B, C]);
  });

  it('reports changes but starts no run while watching is off', async () => {
    const { runner, scheduler, events } = await setup();
    scheduler.setWatching(false);
    expect(scheduler.watching).toBe(false);
    scheduler.onChanges(changed('src/a.ts'));
    await scheduler.idle();
    expect(runner.runs).toHaveLength(0);
    expect(events.map((e) => e.type)).toEqual(['files.changed']);

    scheduler.setWatching(true);
    scheduler.onChanges(changed('src/a.ts'));
    (await runner.nextRun()).end();
    await scheduler.idle();
    expect(runner.runs).toHaveLength(1);
  });

  it('cannot watch without a watcher', async () => {
    const { scheduler } = await setup({ watching: false });
    scheduler.setWatching(true);
    expect(scheduler.watching).toBe(false);
  });

  it('says so when a change affects no test', async () => {
    const { runner, scheduler, events } = await setup();
    scheduler.onChanges(changed('README.md'));
    await scheduler.idle();
    expect(runner.runs).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({ type: 'info', message: 'no tests affected by README.md' });
  });

  it('runs an added test file, found by discovering the tests again', async () => {
    const { runner, scheduler } = await setup();
    const added = 'test/unit/d.test.ts';
    runner.files.push({ file: added, project: '' });
    scheduler.onChanges([{ path: added, kind: 'added' }]);
    const run = await runner.nextRun();
    run.end();
    await scheduler.idle();
    expect(run.files).toEqual([added]);
  });

  it('reloads the runner when its config changes, and runs every test', async () => {
    const { runner, scheduler } = await setup({ reloadable: true });
    scheduler.onChanges(changed('vitest.config.ts'));
    const run = await runner.nextRun();
    run.end();
    await scheduler.idle();
    expect(runner.calls).toContain('reload');
    expect(runner.calls.some((call) => call.startsWith('invalidate'))).toBe(false);
    expect(run.files).toEqual([DB, A, B, C]);
  });

  it('keeps watching after a run fails, with a warning', async () => {
    const { runner, scheduler, events } = await setup();
    runner.failNextRun = new Error('the worker died');
    scheduler.onChanges(changed('src/a.ts'));
    await scheduler.idle();
    expect(events.at(-1)).toMatchObject({
      type: 'warning',
      warning: { message: 'test run failed: the worker died' },
    });
    scheduler.onChanges(changed('src/a.ts'));
    (await runner.nextRun()).end();
    await scheduler.idle();
    expect(runner.runs).toHaveLength(1);
  });

  it('cancels the run in progress on close and closes the runner', async () => {
    const { runner, scheduler, events } = await setup();
    scheduler.onChanges(changed('src/a.ts'));
    const run = await runner.nextRun();
    await scheduler.close();
    expect(run.cancelled).toBe(true);
    expect(runner.calls.slice(-2)).toEqual(['cancel', 'close']);
    expect(runs(events)['run-1']?.ended).toBe('cancelled: session closed');
    scheduler.onChanges(changed('src/a.ts'));
    expect(runner.runs).toHaveLength(1);
  });

  it('runs the tests affected by named files once, resolving with the outcome (devenv test FILES)', async () => {
    const { root, runner, scheduler } = await setup({ watching: false });
    const { selected, trigger } = await scheduler.selectForFiles([join(root, 'src/shared.ts')], 'named');
    expect(trigger).toEqual({ files: ['src/shared.ts'], reason: 'named' });
    const outcome = scheduler.runOnce(trigger, selected);
    const run = await runner.nextRun();
    run.report(B, 'pass');
    run.report(C, 'fail');
    run.end();
    expect(await outcome).toEqual({
      runId: 'run-1',
      cancelled: false,
      counts: { passed: 1, failed: 1, skipped: 0 },
      files: [
        { file: B, state: 'pass' },
        { file: C, state: 'fail' },
      ],
    });
  });
});

describe('TestRunScheduler when a run crashes or stalls', () => {
  it('reports a crash as test.run.error; the file it names failed, the file that never ran is not-run', async () => {
    const { root, runner, scheduler, events } = await setup({ watching: false });
    const { selected, trigger } = await scheduler.selectForFiles([join(root, 'src/shared.ts')], 'named');
    const outcome = scheduler.runOnce(trigger, selected);
    const run = await runner.nextRun();
    run.fileStarted(B);
    run.runError({ kind: 'crash', message: 'a test worker died', files: [B] });
    run.end();
    const error = { kind: 'crash', message: 'a test worker died', files: [B] };
    expect(await outcome).toMatchObject({
      files: [
        { file: B, state: 'fail' },
        { file: C, state: 'not-run' },
      ],
      errors: [error],
    });
    expect(events.filter((e) => e.type === 'test.run.error')).toMatchObject([{ runId: 'run-1', ...error }]);
    expect(events.find((e) => e.type === 'test.run.finished')).toMatchObject({ errors: 1 });
  });

  it('ends a run without progress for the stall timeout, naming the file in flight, and stops the runner', async () => {
    const { root, runner, scheduler, events } = await setup({ watching: false, stallTimeoutMs: 150 });
    const { selected, trigger } = await scheduler.selectForFiles([join(root, 'src/shared.ts')], 'named');
    const outcome = scheduler.runOnce(trigger, selected);
    const run = await runner.nextRun();
    run.fileStarted(B);
    run.report(B, 'pass');
    clock.time = 100;
    run.fileStarted(C);
    // Progress moved the deadline: 149 ms after C started is not a stall yet.
    clock.time = 249;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.filter((e) => e.type === 'test.run.error')).toEqual([]);
    // C never reports: the stall clock runs out and the runner is told to stop (the fake has no abandon: a cancel).
    clock.time = 250;
    expect(await outcome).toMatchObject({
      cancelled: false,
      files: [
        { file: B, state: 'pass' },
        { file: C, state: 'fail' },
      ],
      errors: [{ kind: 'stall', files: [C] }],
    });
    expect(runner.calls).toContain('cancel');
    expect(events.filter((e) => e.type === 'test.run.cancelled')).toEqual([]);
  });
});

describe('TestRunScheduler with an integration environment', () => {
  async function withEnvironment(environment: IntegrationEnvironment) {
    const root = await mkdtemp(join(tmpdir(), 'devenv-scheduler-'));
    const runner = new FakeTestRunner({ root, files: [A, DB], imports });
    const { ctx, events } = context(root);
    const config = defaultDevenvConfig();
    const project = await discoverProjectTests(runner, config, ['compose.yaml']);
    const selection = new TestSelection(runner, config, new Set<TestKind>(['unit', 'integration']), project);
    const scheduler = new TestRunScheduler(ctx, { runner, selection, environment });
    scheduler.watchWith({ close: () => Promise.resolve() });
    cleanups.push(async () => {
      await scheduler.close();
      await rm(root, { recursive: true, force: true });
    });
    return { runner, scheduler, events };
  }

  it('gives integration files the stack env and a leased database, released after the run', async () => {
    const log: string[] = [];
    const { runner, scheduler } = await withEnvironment({
      stackEnv: () => Promise.resolve({ env: { REDIS_URL: 'redis://127.0.0.1:1' } }),
      withDatabase: (env, runId) => {
        log.push(`lease ${runId}`);
        return Promise.resolve({
          env: { ...env, DATABASE_URL: `postgres://copy-${runId}` },
          release: () => Promise.resolve(void log.push(`release ${runId}`)),
        });
      },
      invalidateDatabase: (files) => void log.push(`invalidate ${files.join(' ')}`),
      close: () => Promise.resolve(void log.push('close')),
    });
    const all = scheduler.runAll();
    const run = await runner.nextRun();
    expect(run.envOf(DB)).toEqual({
      REDIS_URL: 'redis://127.0.0.1:1',
      DATABASE_URL: 'postgres://copy-run-1',
    });
    expect(run.envOf(A)).toEqual({});
    expect(log).toEqual(['lease run-1']);
    run.end();
    await all;
    expect(log).toEqual(['lease run-1', 'release run-1']);

    scheduler.onChanges(changed('migrations/002.sql'));
    (await runner.nextRun()).end();
    await scheduler.idle();
    expect(log.slice(2)).toEqual(['invalidate migrations/002.sql', 'lease run-2', 'release run-2']);
    // Closing the scheduler closes the test databases (their ready copies are dropped).
    await scheduler.close();
    expect(log.slice(5)).toEqual(['close']);
  });

  it('ends a run cancelled while it waits for its database as cancelled, and runs the newer change', async () => {
    const log: string[] = [];
    const { runner, scheduler, events } = await withEnvironment({
      stackEnv: () => Promise.resolve({ env: {} }),
      withDatabase: (env, runId, signal) => {
        log.push(`lease ${runId}`);
        if (runId === 'run-1')
          // The template is being rebuilt: the lease waits until the run is cancelled.
          return new Promise((_, reject) =>
            signal?.addEventListener('abort', () =>
              reject(new Error('The test database lease was cancelled.')),
            ),
          );
        return Promise.resolve({ env, release: () => Promise.resolve(void log.push(`release ${runId}`)) });
      },
      invalidateDatabase: () => undefined,
      close: () => Promise.resolve(),
    });
    scheduler.onChanges(changed('src/db.ts'));
    await until(() => log.includes('lease run-1'));
    scheduler.onChanges(changed('src/db.ts'));
    const second = await runner.nextRun();
    expect(second.files).toEqual([DB]);
    second.report(DB, 'pass');
    second.end();
    await scheduler.idle();
    expect(log).toEqual(['lease run-1', 'lease run-2', 'release run-2']);
    expect(runs(events)).toEqual({
      'run-1': { files: [DB], reported: [], ended: 'cancelled: superseded by a newer change' },
      'run-2': { files: [DB], reported: [DB], ended: 'finished' },
    });
    expect(events.filter((e) => e.type === 'warning')).toEqual([]);
  });

  it('runs a change that came during a run which then failed', async () => {
    let failStackEnv: ((error: Error) => void) | undefined;
    const { runner, scheduler, events } = await withEnvironment({
      stackEnv: () =>
        failStackEnv
          ? Promise.resolve({ env: {} })
          : new Promise((_, reject) => {
              failStackEnv = reject;
            }),
      withDatabase: (env) => Promise.resolve({ env, release: () => Promise.resolve() }),
      invalidateDatabase: () => undefined,
      close: () => Promise.resolve(),
    });
    scheduler.onChanges(changed('src/db.ts'));
    await until(() => failStackEnv !== undefined);
    scheduler.onChanges(changed('src/a.ts'));
    failStackEnv!(new Error('the engine went away'));
    const next = await runner.nextRun();
    expect(next.files).toEqual([A]); // a failed run is not retried; the change after it gets its run
    next.end();
    await scheduler.idle();
    expect(events.filter((e) => e.type === 'warning')).toMatchObject([
      { warning: { message: 'test run failed: the engine went away' } },
    ]);
  });

  it('runs the unit files and lists skipped integration files as skip when the stack is not running', async () => {
    const { runner, scheduler, events } = await withEnvironment({
      stackEnv: (files) => Promise.resolve({ skipped: files.map((file) => file.file) }),
      withDatabase: () => Promise.reject(new Error('no lease without a stack')),
      invalidateDatabase: () => undefined,
      close: () => Promise.resolve(),
    });
    const all = scheduler.runAll();
    const run = await runner.nextRun();
    expect(run.files).toEqual([A]);
    run.report(A, 'pass');
    run.end();
    await all;
    expect(events.find((e) => e.type === 'test.run.finished')).toMatchObject({
      files: [
        { file: DB, state: 'skip' },
        { file: A, state: 'pass' },
      ],
    });
  });
});

/** Waits (a microtask at a time, then a timer) until the condition holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met within 1 s');
}
