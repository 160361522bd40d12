/**
 * The test worker as built (dist/): vitest in a child process, answering
 * over IPC; a worker that dies is replaced on the next call; a project with
 * no test files does not keep one running.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { vitestProject, type TempProject } from '../support/projects.js';
import type { TestRunner, RunnerFileResult } from '../../src/contracts/test-runner.js';

type StartRunner = (options: { root: string; cancelGraceMs?: number }) => Promise<TestRunner>;
const { startVitestRunnerProcess } = (await import(`${repoRoot}dist/adapters/vitest/runner-process.js`)) as {
  startVitestRunnerProcess: StartRunner;
};
const { startVitestRunner } = (await import(`${repoRoot}dist/adapters/vitest/vitest-runner.js`)) as {
  startVitestRunner: StartRunner;
};

const projects: TempProject[] = [];
afterAll(async () => Promise.all(projects.map((project) => project.remove())));

/** PIDs of this process's test workers. */
async function workers(): Promise<number[]> {
  const { stdout } = await execa('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], {
    reject: false,
  });
  return stdout
    .split('\n')
    .filter((line) => line.includes('runner-worker.js'))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/** CPU time (user + system) a process has used, in seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  // /proc/PID/stat: utime and stime (fields 14 and 15) in clock ticks of 1/100 s; the name (field 2) has no spaces here.
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Runs one file with no env; its [file, state] results. */
async function statesOf(runner: TestRunner, file: string): Promise<string[][]> {
  const results: RunnerFileResult[] = [];
  await runner.run({ files: [{ file, env: {} }], onFileResult: (result) => results.push(result) });
  return results.map((r) => [r.file, r.state]);
}

async function runAll(runner: TestRunner): Promise<RunnerFileResult[]> {
  const files = await runner.listTestFiles();
  const results: RunnerFileResult[] = [];
  await runner.run({
    files: files.map(({ file }) => ({ file, env: { GREETING: 'from devenv' } })),
    onFileResult: (result) => results.push(result),
  });
  return results.sort((a, b) => a.file.localeCompare(b.file));
}

const hangingTest = `import { it } from 'vitest';\nit('waits', () => new Promise((resolve) => setTimeout(resolve, 600_000)), 900_000);\n`;
const sum = `export const sum = (a: number, b: number) => a + b;\n`;
const tests = {
  'src/sum.ts': sum,
  'test/sum.test.ts': `import { expect, it } from 'vitest';\nimport { sum } from '../src/sum';\nit('adds', () => expect(sum(1, 2)).toBe(3));\n`,
  'test/env.test.ts': `import { expect, it } from 'vitest';\nit('sees the injected env', () => expect(process.env.GREETING).toBe('from devenv'));\n`,
  'vitest.config.ts': `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/**/*.test.ts'] } });\n`,
};

describe('test worker process', () => {
  it('runs tests in a child process with the env given, and answers import chains', async () => {
    const project = await vitestProject(tests, 'devenv-worker-');
    projects.push(project);
    const runner = await startVitestRunnerProcess({ root: project.dir });
    try {
      expect(await workers()).toHaveLength(1);
      const results = await runAll(runner);
      expect(results.map((r) => [r.file, r.state, r.tests.passed])).toEqual([
        ['test/env.test.ts', 'pass', 1],
        ['test/sum.test.ts', 'pass', 1],
      ]);
      expect(runner.fullRunFiles()).toContain('vitest.config.ts');
      runner.invalidate(['src/sum.ts']);
      const chains = await runner.importChains(['src/sum.ts'], ['test/sum.test.ts', 'test/env.test.ts']);
      expect(chains).toBeInstanceOf(Map);
      expect(chains.get('src/sum.ts')).toEqual([
        { test: 'test/sum.test.ts', chain: ['src/sum.ts', 'test/sum.test.ts'] },
      ]);
    } finally {
      await runner.close();
    }
    expect(await workers()).toEqual([]);
  });

  it('replaces a worker that died, on the next call', async () => {
    const project = await vitestProject(tests, 'devenv-worker-crash-');
    projects.push(project);
    const runner = await startVitestRunnerProcess({ root: project.dir });
    try {
      await runner.listTestFiles();
      const [first] = await workers();
      process.kill(first as number, 'SIGKILL');
      // Gone, not a zombie yet to be reaped: devenv has seen it exit.
      await expect.poll(() => existsSync(`/proc/${first}`)).toBe(false);
      // No listing first: the replacement lists the files itself before running.
      expect(await statesOf(runner, 'test/sum.test.ts')).toEqual([['test/sum.test.ts', 'pass']]);
      const [second] = await workers();
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
    } finally {
      await runner.close();
    }
  });

  it('ends a run cancelled the moment it starts, in the same worker', async () => {
    const project = await vitestProject(
      {
        ...tests,
        'test/hang.test.ts': hangingTest,
      },
      'devenv-worker-cancel-',
    );
    projects.push(project);
    const runner = await startVitestRunnerProcess({ root: project.dir });
    try {
      await runner.listTestFiles();
      const [before] = await workers();
      // No await between run and cancel: the cancel reaches vitest before its run has begun.
      const run = runner.run({
        files: [{ file: 'test/hang.test.ts', env: {} }],
        onFileResult: () => undefined,
      });
      await runner.cancel();
      expect(await run).toEqual({ cancelled: true });
      // Vitest ended it (the worker was not killed): the same worker runs the next tests.
      expect(await workers()).toEqual([before]);
      expect(await statesOf(runner, 'test/sum.test.ts')).toEqual([['test/sum.test.ts', 'pass']]);
    } finally {
      await runner.close();
    }
  });

  it('kills a worker stuck in a synchronous loop when its run is cancelled, and forks a new one', async () => {
    // The config's plugin loops forever transforming src/stuck.ts: the worker's own event loop is blocked.
    const project = await vitestProject(
      {
        ...tests,
        'src/stuck.ts': 'export const stuck = 1;\n',
        'test/stuck.test.ts': `import { expect, it } from 'vitest';\nimport { stuck } from '../src/stuck';\nit('loads', () => expect(stuck).toBe(1));\n`,
        'vitest.config.ts': `import { defineConfig } from 'vitest/config';\nexport default defineConfig({\n  plugins: [{ name: 'stuck', transform(code, id) { if (id.endsWith('stuck.ts')) for (;;) {} return null; } }],\n  test: { include: ['test/**/*.test.ts'] },\n});\n`,
      },
      'devenv-worker-stuck-',
    );
    projects.push(project);
    const runner = await startVitestRunnerProcess({ root: project.dir });
    try {
      await runner.listTestFiles();
      const [before] = await workers();
      // Loading vitest alone can take more than a second of CPU on a loaded machine: count from here.
      const idle = await cpuSeconds(before as number);
      const run = runner.run({
        files: [{ file: 'test/stuck.test.ts', env: {} }],
        onFileResult: () => undefined,
      });
      // Cancel once the worker is busy in the loop (its CPU time grows while nothing answers).
      await expect
        .poll(async () => cpuSeconds(before as number), { timeout: 60_000 })
        .toBeGreaterThan(idle + 2);
      await runner.cancel();
      expect(await run).toEqual({ cancelled: true });
      await expect.poll(workers, { timeout: 30_000 }).toEqual([]);
      expect(await statesOf(runner, 'test/sum.test.ts')).toEqual([['test/sum.test.ts', 'pass']]);
      expect(await workers()).not.toContain(before);
    } finally {
      await runner.close();
    }
  });

  it('lets the worker go in a project without test files, and forks one when a listing finds some', async () => {
    const project = await vitestProject({ 'src/sum.ts': sum }, 'devenv-worker-none-');
    projects.push(project);
    const runner = await startVitestRunnerProcess({ root: project.dir });
    try {
      expect(await runner.listTestFiles()).toEqual([]);
      await expect.poll(workers).toEqual([]);
      expect(await runner.importChains(['src/sum.ts'], [])).toEqual(new Map());
      expect(await workers()).toEqual([]);
      await mkdir(join(project.dir, 'test'));
      await writeFile(join(project.dir, 'test/sum.test.ts'), tests['test/sum.test.ts']);
      expect(await runner.listTestFiles()).toEqual([{ file: 'test/sum.test.ts', project: '' }]);
      expect(await workers()).toHaveLength(1);
    } finally {
      await runner.close();
    }
  });
});

describe('in-process test runner', () => {
  it('ends a run whose cancel reaches vitest before its run has begun', async () => {
    const project = await vitestProject(
      { ...tests, 'test/hang.test.ts': hangingTest },
      'devenv-runner-cancel-',
    );
    projects.push(project);
    // A grace period shorter than vitest's start of a run: every cancel lands before the run has begun.
    const runner = await startVitestRunner({ root: project.dir, cancelGraceMs: 5 });
    try {
      await runner.listTestFiles();
      const run = runner.run({
        files: [{ file: 'test/hang.test.ts', env: {} }],
        onFileResult: () => undefined,
      });
      await runner.cancel();
      expect(await run).toEqual({ cancelled: true });
    } finally {
      await runner.close();
    }
  });
});
