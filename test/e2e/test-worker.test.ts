/**
 * The test worker as built (dist/): vitest in a child process, answering
 * over IPC; a worker that dies is replaced on the next call; a project with
 * no test files does not keep one running.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { vitestProject, type TempProject } from '../support/projects.js';
import type { TestRunner, RunnerFileResult } from '../../src/contracts/test-runner.js';

type StartRunner = (options: { root: string }) => Promise<TestRunner>;
const { startVitestRunnerProcess } = (await import(`${repoRoot}dist/adapters/vitest/runner-process.js`)) as {
  startVitestRunnerProcess: StartRunner;
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

async function runAll(runner: TestRunner): Promise<RunnerFileResult[]> {
  const files = await runner.listTestFiles();
  const results: RunnerFileResult[] = [];
  await runner.run({
    files: files.map(({ file }) => ({ file, env: { GREETING: 'from devenv' } })),
    onFileResult: (result) => results.push(result),
  });
  return results.sort((a, b) => a.file.localeCompare(b.file));
}

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
      await expect.poll(workers).toEqual([]);
      const results: RunnerFileResult[] = [];
      // No listing first: the replacement lists the files itself before running.
      await runner.run({
        files: [{ file: 'test/sum.test.ts', env: {} }],
        onFileResult: (result) => results.push(result),
      });
      expect(results.map((r) => [r.file, r.state])).toEqual([['test/sum.test.ts', 'pass']]);
      const [second] = await workers();
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
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
