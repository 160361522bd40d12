/**
 * Test runs that crash or hang, as a user meets them: a vitest worker killed
 * or out of memory mid-run, a test file stuck in a synchronous loop or on a
 * promise that never settles. Each is a `test.run.error` naming the file,
 * the other files are reported or `not-run`, `devenv test` exits 1, nothing
 * is left running, and watch mode goes on with a fresh worker.
 */
import { readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import type { RunnerFileResult, TestRunner } from '../../src/contracts/test-runner.js';
import type { TestRunError } from '../../src/core/testing/test-model.js';
import { devenv, repoRoot } from '../support/cli.js';
import { vitestProject, type TempProject } from '../support/projects.js';
import { startWatchSession } from '../support/watch-session.js';
import { jsonEvents } from '../support/json-events.js';

type StartRunner = (options: { root: string }) => Promise<TestRunner>;
const { startVitestRunnerProcess } = (await import(`${repoRoot}dist/adapters/vitest/runner-process.js`)) as {
  startVitestRunnerProcess: StartRunner;
};

const projects: TempProject[] = [];
afterAll(async () => Promise.all(projects.map((project) => project.remove())));

/** PIDs of processes whose working directory is `dir` (devenv, its test worker, vitest's pool workers). */
async function processesIn(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => undefined);
    if (cwd === dir) pids.push(Number(entry));
  }
  return pids;
}

const events = jsonEvents;

type RunError = Extract<DevenvEvent, { type: 'test.run.error' }>;
type Finished = Extract<DevenvEvent, { type: 'test.run.finished' }>;

const runErrors = (list: DevenvEvent[]) => list.filter((e): e is RunError => e.type === 'test.run.error');
const finished = (list: DevenvEvent[]) => list.find((e): e is Finished => e.type === 'test.run.finished');
const fileStates = (run: Finished | undefined) => run?.files.map((f) => `${f.file}:${f.state}`).sort();

const passing = (name: string) =>
  `import { expect, it } from 'vitest';\nit('${name}', () => expect(1 + 1).toBe(2));\n`;
const killsItsWorker = `import { it } from 'vitest';\nit('dies', async () => {\n  await new Promise((resolve) => setTimeout(resolve, 100));\n  process.kill(process.pid, 'SIGKILL');\n});\n`;
const outOfMemory = `import { it } from 'vitest';\nit('eats', () => {\n  const kept: unknown[] = [];\n  for (;;) kept.push(new Array(100_000).fill({ n: Math.random() }));\n});\n`;
const syncLoop = `import { it } from 'vitest';\nfor (;;) {}\nit('never collected', () => undefined);\n`;
const neverSettles = `import { it } from 'vitest';\nit('waits forever', () => new Promise(() => undefined), 600_000);\n`;

/**
 * A vitest project (one pool worker at a time, so which files ran is
 * deterministic) whose devenv.yaml counts every file as a unit test. Its
 * stall clock is 3 s only where a stall is the point: on a loaded machine a
 * crash can take longer than that to be noticed, and would be called a stall.
 */
async function project(
  files: Record<string, string>,
  vitest = '{ maxWorkers: 1 }',
  stallTimeout = '120s',
): Promise<TempProject> {
  const created = await vitestProject(
    {
      'package.json': '{ "type": "module" }\n',
      'devenv.yaml': `tests:\n  unit: ["test/**"]\n  stallTimeout: ${stallTimeout}\n`,
      'vitest.config.ts': `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'], ...${vitest} } });\n`,
      ...files,
    },
    'devenv-run-failures-',
  );
  projects.push(created);
  return created;
}

describe('devenv test: crashes and stalls', () => {
  it('reports a worker killed mid-run as a crash naming the file; the other files are reported or not-run; exit 1', async () => {
    const { dir } = await project({
      'test/a.test.ts': passing('a'),
      'test/b-kill.test.ts': killsItsWorker,
      'test/c.test.ts': passing('c'),
    });
    const result = await devenv(dir, ['test', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const list = events(result.stdout);
    const [crash, ...more] = runErrors(list);
    expect(more).toEqual([]);
    expect(crash).toMatchObject({ kind: 'crash', files: ['test/b-kill.test.ts'] });
    expect(crash?.message).toContain('Worker exited unexpectedly');
    const states = fileStates(finished(list));
    expect(states).toContain('test/b-kill.test.ts:fail');
    // Every other file either ran or says it did not: none is silently skipped or missing.
    expect(states).toHaveLength(3);
    for (const state of states ?? []) expect(state).toMatch(/:(pass|fail|not-run)$/);
    expect(finished(list)?.errors).toBe(1);
    expect(await processesIn(dir)).toEqual([]);
  });

  it("reports a worker out of memory as a crash naming the file, with V8's last message", async () => {
    const { dir } = await project(
      { 'test/oom.test.ts': outOfMemory },
      // vitest 4: execArgv for the pool workers; a small heap runs out fast.
      "{ maxWorkers: 1, execArgv: ['--max-old-space-size=32'] }",
    );
    const result = await devenv(dir, ['test', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const [crash] = runErrors(events(result.stdout));
    expect(crash).toMatchObject({ kind: 'crash', files: ['test/oom.test.ts'] });
    expect(crash?.message).toMatch(/heap out of memory/);
    // The plain output says it too.
    const plain = await devenv(dir, ['test']);
    expect(plain.exitCode).toBe(1);
    expect(plain.stdout).toMatch(/CRASH +run-1 test\/oom\.test\.ts: .*heap out of memory/);
  });

  it.each([
    ['a synchronous loop at the top of the file', syncLoop],
    ['a test awaiting a promise that never settles', neverSettles],
  ])('ends a run stuck in %s after tests.stallTimeout, naming the file; exit 1', async (_what, hang) => {
    const { dir } = await project(
      { 'test/a.test.ts': passing('a'), 'test/hang.test.ts': hang },
      undefined,
      '3s',
    );
    const result = await devenv(dir, ['test', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const list = events(result.stdout);
    const [stall, ...more] = runErrors(list);
    expect(more).toEqual([]);
    expect(stall).toMatchObject({ kind: 'stall', files: ['test/hang.test.ts'] });
    expect(stall?.message).toContain('tests.stallTimeout 3 s');
    const run = finished(list);
    expect(fileStates(run)).toEqual(['test/a.test.ts:pass', 'test/hang.test.ts:fail']);
    // Ended by the stall clock (3 s without progress), not by vitest's own timeouts or ours.
    expect(run?.durationMs).toBeLessThan(3000 + 10_000);
    expect(await processesIn(dir)).toEqual([]);
  });
});

describe('test worker process: crashes and stalls', () => {
  it("reports devenv's own test worker dying mid-run as a crash of the run, and runs the next on a new one", async () => {
    const { dir } = await project({ 'test/a.test.ts': passing('a'), 'test/hang.test.ts': neverSettles });
    const runner = await startVitestRunnerProcess({ root: dir });
    try {
      await runner.listTestFiles();
      const before = await processesIn(dir);
      const errors: TestRunError[] = [];
      const started: string[] = [];
      const run = runner.run({
        files: [{ file: 'test/hang.test.ts', env: {} }],
        onFileResult: () => undefined,
        onRunError: (error) => errors.push(error),
        onProgress: (progress) => {
          if (progress.kind === 'file-started') started.push(progress.file);
        },
      });
      await expect.poll(() => started, { timeout: 30_000 }).toEqual(['test/hang.test.ts']);
      // The worker is this process's child with the project as its working directory.
      for (const pid of before) process.kill(pid, 'SIGKILL');
      expect(await run).toEqual({ cancelled: false });
      expect(errors).toEqual([
        {
          kind: 'crash',
          message: expect.stringContaining('the test worker ended (SIGKILL)'),
          files: ['test/hang.test.ts'],
        },
      ]);
      const results: RunnerFileResult[] = [];
      await runner.run({
        files: [{ file: 'test/a.test.ts', env: {} }],
        onFileResult: (r) => results.push(r),
      });
      expect(results.map((r) => `${r.file}:${r.state}`)).toEqual(['test/a.test.ts:pass']);
    } finally {
      await runner.close();
    }
    await expect.poll(() => processesIn(dir), { timeout: 30_000 }).toEqual([]);
  });

  it('abandon kills the worker and the vitest pool worker stuck under it; the next run forks fresh', async () => {
    const { dir } = await project({ 'test/a.test.ts': passing('a'), 'test/loop.test.ts': syncLoop });
    const runner = await startVitestRunnerProcess({ root: dir });
    try {
      await runner.listTestFiles();
      const [worker] = await processesIn(dir);
      const started: string[] = [];
      const run = runner.run({
        files: [{ file: 'test/loop.test.ts', env: {} }],
        onFileResult: () => undefined,
        onProgress: (progress) => {
          if (progress.kind === 'file-started') started.push(progress.file);
        },
      });
      // Generous waits: on a loaded machine a pool worker takes seconds to start.
      await expect.poll(() => started, { timeout: 30_000 }).toEqual(['test/loop.test.ts']);
      // The pool worker spinning in the loop is there beside the test worker.
      await expect.poll(async () => (await processesIn(dir)).length, { timeout: 30_000 }).toBe(2);
      await runner.abandon?.();
      expect(await run).toEqual({ cancelled: false });
      await expect.poll(() => processesIn(dir), { timeout: 30_000 }).toEqual([]);
      const results: RunnerFileResult[] = [];
      await runner.run({
        files: [{ file: 'test/a.test.ts', env: {} }],
        onFileResult: (r) => results.push(r),
      });
      expect(results.map((r) => `${r.file}:${r.state}`)).toEqual(['test/a.test.ts:pass']);
      expect(await processesIn(dir)).not.toContain(worker);
    } finally {
      await runner.close();
    }
    await expect.poll(() => processesIn(dir), { timeout: 30_000 }).toEqual([]);
  });
});

describe('devenv watch: after a stall', () => {
  it('names the stalled file, then runs the next edit normally on a fresh worker', async () => {
    const session = await startWatchSession('devenv-watch-stall-', async (dir) => {
      await writeFile(join(dir, 'devenv.yaml'), 'tests:\n  stallTimeout: 3s\n');
    });
    try {
      const { dir, log } = session;
      await writeFile(join(dir, 'test/unit/hang.test.ts'), syncLoop);
      const stalled = await log.until((e) => e.type === 'test.run.finished');
      expect(runErrors(stalled)).toMatchObject([{ kind: 'stall', files: ['test/unit/hang.test.ts'] }]);
      expect(fileStates(finished(stalled))).toEqual(['test/unit/hang.test.ts:fail']);
      await writeFile(join(dir, 'test/unit/hang.test.ts'), passing('no longer hangs'));
      const next = await log.until((e) => e.type === 'test.run.finished');
      expect(runErrors(next)).toEqual([]);
      expect(fileStates(finished(next))).toEqual(['test/unit/hang.test.ts:pass']);
    } finally {
      await session.stop();
    }
  });
});
