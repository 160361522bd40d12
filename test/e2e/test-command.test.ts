/**
 * `devenv test` as a user runs it: once, exit code from the verdict, JSON
 * events that say which files ran and why; integration tests get the stack's
 * host environment, per branch.
 */
import { execa } from 'execa';
import { cp, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv, repoRoot } from '../support/cli.js';
import { reapBranchPrefix, runPrefix } from '../support/engine-state.js';
import { jsonEvents } from '../support/json-events.js';

const prefix = runPrefix();
let dir: string;

const events = jsonEvents;

function ran(stdout: string): string[] {
  return events(stdout)
    .flatMap((e) => (e.type === 'test.file.result' ? [`${e.result.file}:${e.result.state}`] : []))
    .sort();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devenv-test-cmd-'));
  await cp(join(repoRoot, 'test/fixtures/watch-project'), dir, { recursive: true });
  await rename(join(dir, 'compose.integration.yaml'), join(dir, 'compose.yaml'));
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  const git = (...args: string[]) => execa('git', args, { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('add', '.');
  await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
});

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await rm(dir, { recursive: true, force: true });
});

describe('devenv test', () => {
  it('runs every unit test and exits 0 when they pass', async () => {
    const result = await devenv(dir, ['test', '--unit', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(ran(result.stdout)).toEqual([
      'test/unit/format.test.ts:pass',
      'test/unit/math.test.ts:pass',
      'test/unit/strings.test.ts:pass',
    ]);
    const finished = events(result.stdout).find((e) => e.type === 'test.run.finished');
    expect(finished?.type === 'test.run.finished' && finished.counts).toEqual({
      passed: 3,
      failed: 0,
      skipped: 0,
    });
  });

  it('selects the tests affected by named files, with reasons', async () => {
    const result = await devenv(dir, ['test', 'src/strings.ts', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const started = events(result.stdout).find((e) => e.type === 'test.run.started');
    expect(started?.type === 'test.run.started' && started.selected).toEqual([
      {
        file: 'test/unit/format.test.ts',
        kind: 'unit',
        reasons: ['imports src/strings.ts (src/strings.ts <- src/format.ts <- test/unit/format.test.ts)'],
      },
      {
        file: 'test/unit/strings.test.ts',
        kind: 'unit',
        reasons: ['imports src/strings.ts (src/strings.ts <- test/unit/strings.test.ts)'],
      },
    ]);
  });

  it('--changed runs what the git diff affects and exits 1 on a failure, naming file:line, with what the test printed', async () => {
    await writeFile(
      join(dir, 'src/math.ts'),
      "export function add(a: number, b: number): number {\n  console.log('add called with', a, b);\n  return a - b;\n}\n",
    );
    const result = await devenv(dir, ['test', '--changed', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(ran(result.stdout)).toEqual(['test/unit/math.test.ts:fail']);
    const failure = events(result.stdout).find((e) => e.type === 'test.file.result');
    expect(failure?.type === 'test.file.result' && failure.result.failures).toEqual([
      {
        test: 'adds',
        message: 'expected -1 to be 5 // Object.is equality',
        location: 'test/unit/math.test.ts:5',
        output: ['add called with 2 3'],
      },
    ]);

    const plain = await devenv(dir, ['test', '--changed', 'HEAD']);
    expect(plain.exitCode).toBe(1);
    expect(plain.stdout).toContain('FAIL    test/unit/math.test.ts');
    expect(plain.stdout).toContain('│ add called with 2 3');
    await execa('git', ['checkout', '--', 'src/math.ts'], { cwd: dir });
  });

  it('says the stack is not running when integration tests need it', async () => {
    const result = await devenv(dir, ['test', '--integration', '--branch', `${prefix}-none`]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('not running');
    expect(result.stderr).toContain('devenv up -d');
  });

  it("injects each branch's stack environment; two branches at once do not interfere", async () => {
    const branches = [`${prefix}-a`, `${prefix}-b`];
    for (const branch of branches) {
      const up = await devenv(dir, ['up', '-d', '--branch', branch]);
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    }
    const results = await Promise.all(
      branches.map((branch) => devenv(dir, ['test', '--integration', '--json', '--branch', branch])),
    );
    for (const result of results) {
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(ran(result.stdout)).toEqual(['test/integration/redis.test.ts:pass']);
    }
  });

  it('--timings reports the phases: engine, image, each service, the stack; then the first test run', async () => {
    const branch = `${prefix}-timed`;
    const up = await devenv(dir, ['up', '-d', '--timings', '--branch', branch]);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const table = up.stdout.split('\n').filter((line) => line.includes('time '));
    expect(
      table.some((line) => /engine\s+unix:\/\/.*\d+\.\d\d s/.test(line)),
      up.stdout,
    ).toBe(true);
    expect(
      table.some((line) => /image\s+redis \((local|pulled)\)/.test(line)),
      up.stdout,
    ).toBe(true);
    expect(
      table.some((line) => /service\s+redis \(ready\)/.test(line)),
      up.stdout,
    ).toBe(true);
    expect(
      table.some((line) => /stack\s+ready/.test(line)),
      up.stdout,
    ).toBe(true);

    const test = await devenv(dir, ['test', '--all', '--timings', '--json', '--branch', branch]);
    expect(test.exitCode, test.stdout + test.stderr).toBe(0);
    const timings = events(test.stdout).filter((e) => e.type === 'timings');
    expect(timings).toHaveLength(1);
    const phases = timings[0]?.type === 'timings' ? timings[0].phases : [];
    const run = phases.find((p) => p.phase === 'test-run');
    expect(run?.detail).toBe('4 passed, 0 failed');
    expect(run?.durationMs).toBeGreaterThan(0);
  });
});
