/**
 * `devenv test` and `devenv watch` drive the project's own vitest, 3 or 4,
 * each installed from npm (once per machine, test/support/vitest-install.ts),
 * and say which vitest ran; devenv's own vitest only when the project has
 * none. Each project's config has an option the other major rejects, so a
 * run on the wrong vitest fails; a config its own vitest rejects is the
 * project's error (exit 1 with vitest's message), not a bug in devenv.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import { devenv, repoRoot } from '../support/cli.js';
import { linkNodeModules, vitestInstall } from '../support/vitest-install.js';
import { startWatchSession } from '../support/watch-session.js';
import { jsonEvents } from '../support/json-events.js';

/** vitest 4 rejects a string `browser.provider` (it takes a factory now), even with browser mode off. */
const REJECTED_BY_4 = "{ browser: { enabled: false, provider: 'playwright' } }";
/** vitest 3 rejects `inspect` unless file parallelism is off; vitest 4 takes `maxWorkers: 1` as that. */
const REJECTED_BY_3 = "{ inspect: '127.0.0.1:0', maxWorkers: 1 }";

const installs: Record<'3' | '4' | '3+vite5', string> = { '3': '', '4': '', '3+vite5': '' };
const dirs: string[] = [];

beforeAll(async () => {
  const [three, four, threeOnVite5] = await Promise.all([
    vitestInstall('3'),
    vitestInstall('4'),
    // vitest 3 also runs on vite 5, whose server has no per-environment module graphs.
    vitestInstall('3', ['vite@5']),
  ]);
  installs['3'] = three;
  installs['4'] = four;
  installs['3+vite5'] = threeOnVite5;
}, 300_000);

afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A project with a passing and a failing test file, the given vitest config, and node_modules from `install`. */
async function project(testConfig: string, install: string | undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-vitest-versions-'));
  dirs.push(dir);
  await mkdir(join(dir, 'src'));
  await mkdir(join(dir, 'test/unit'), { recursive: true });
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'vv', private: true, type: 'module' }));
  await writeFile(join(dir, 'vitest.config.mjs'), `export default { test: ${testConfig} };\n`);
  await writeFile(join(dir, 'src/math.ts'), 'export const add = (a: number, b: number): number => a + b;\n');
  await writeFile(
    join(dir, 'test/unit/math.test.ts'),
    "import { expect, it } from 'vitest';\nimport { add } from '../../src/math.js';\n\nit('adds', () => {\n  expect(add(1, 2)).toBe(3);\n});\n",
  );
  await writeFile(
    join(dir, 'test/unit/broken.test.ts'),
    "import { expect, it } from 'vitest';\n\nit('is broken', () => {\n  expect(1 + 1).toBe(3);\n});\n",
  );
  if (install) await linkNodeModules(dir, install);
  return dir;
}

const events = jsonEvents;

function runnerOf(all: DevenvEvent[]) {
  const found = all.filter((e) => e.type === 'test.runner');
  expect(found).toHaveLength(1);
  return found[0] as Extract<DevenvEvent, { type: 'test.runner' }>;
}

function resultsOf(all: DevenvEvent[]) {
  return all
    .flatMap((e) => (e.type === 'test.file.result' ? [e.result] : []))
    .map((r) => ({ file: r.file, state: r.state, failures: r.failures.map((f) => f.location) }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

describe.each([
  { major: '3' as const, config: REJECTED_BY_4, rejected: REJECTED_BY_3, message: /--inspect/ },
  { major: '4' as const, config: REJECTED_BY_3, rejected: REJECTED_BY_4, message: /browser\.provider/ },
])('a project on vitest $major', ({ major, config, rejected, message }) => {
  it(`devenv test runs the project's vitest ${major} and says which`, async () => {
    const dir = await project(config, installs[major]);
    const result = await devenv(dir, ['test', '--unit', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1); // one test fails
    const all = events(result.stdout);
    const runner = runnerOf(all);
    expect(runner).toMatchObject({ name: 'vitest', source: 'project' });
    expect(runner.version).toMatch(new RegExp(`^${major}\\.`));
    expect(runner.location).toContain(installs[major].replace(/node_modules$/, ''));
    expect(resultsOf(all)).toEqual([
      { file: 'test/unit/broken.test.ts', state: 'fail', failures: ['test/unit/broken.test.ts:4'] },
      { file: 'test/unit/math.test.ts', state: 'pass', failures: [] },
    ]);
  });

  it(`a config vitest ${major} rejects exits 1 with vitest's message, the file and the version`, async () => {
    const dir = await project(rejected, installs[major]);
    const result = await devenv(dir, ['test', '--unit']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).not.toContain('bug in devenv');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(
      new RegExp(`vitest ${major}\\.\\d+\\.\\d+\\S* rejected the project's config vitest\\.config\\.mjs`),
    );
    const json = await devenv(dir, ['test', '--unit', '--json']);
    expect(json.exitCode).toBe(1);
    const error = events(json.stdout + '\n' + json.stderr).find((e) => (e.type as string) === 'error') as
      { code: string; message: string; hint?: string } | undefined;
    expect(error?.code).toBe('TEST_CONFIG_INVALID');
    expect(error?.message).toMatch(message);
  });
});

describe('a project on vitest 3 with vite 5', () => {
  it('selects the tests that import a named file from vite 5 module graph', async () => {
    const dir = await project(REJECTED_BY_4, installs['3+vite5']);
    const vite = JSON.parse(await readFile(join(dir, 'node_modules/vite/package.json'), 'utf8')) as {
      version: string;
    };
    expect(vite.version).toMatch(/^5\./);
    const result = await devenv(dir, ['test', 'src/math.ts', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const all = events(result.stdout);
    expect(runnerOf(all).version).toMatch(/^3\./);
    const started = all.find((e) => e.type === 'test.run.started');
    expect(started?.type === 'test.run.started' && started.selected).toEqual([
      {
        file: 'test/unit/math.test.ts',
        kind: 'unit',
        reasons: ['imports src/math.ts (src/math.ts <- test/unit/math.test.ts)'],
      },
    ]);
    expect(resultsOf(all).map((r) => `${r.file}:${r.state}`)).toEqual(['test/unit/math.test.ts:pass']);
  });
});

describe('a project without vitest', () => {
  it("runs devenv's own vitest and says so, and why", async () => {
    const dir = await project('{}', undefined);
    const result = await devenv(dir, ['test', '--unit', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    const all = events(result.stdout);
    const own = JSON.parse(await readFile(join(repoRoot, 'node_modules/vitest/package.json'), 'utf8')) as {
      version: string;
    };
    expect(runnerOf(all)).toMatchObject({
      name: 'vitest',
      version: own.version,
      source: 'devenv',
      reason: 'the project has no vitest installed',
    });
    expect(resultsOf(all).map((r) => `${r.file}:${r.state}`)).toEqual([
      'test/unit/broken.test.ts:fail',
      'test/unit/math.test.ts:pass',
    ]);
  });
});

describe('devenv watch on vitest 3', () => {
  it("exits 1 with vitest's message when vitest 3 rejects the config (its worker could not start)", async () => {
    const dir = await project(REJECTED_BY_3, installs['3']);
    const result = await devenv(dir, ['watch', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).not.toContain('EPIPE');
    const error = events(result.stdout + '\n' + result.stderr).find((e) => (e.type as string) === 'error') as
      { code: string; message: string } | undefined;
    expect(error?.code).toBe('TEST_CONFIG_INVALID');
    expect(error?.message).toMatch(
      /^vitest 3\.\S+ rejected the project's config vitest\.config\.mjs: .*--inspect/,
    );
  });

  it("reruns the test that imports an edited file, with the edit, on the project's vitest 3", async () => {
    const session = await startWatchSession('devenv-watch-v3-', async (dir) => {
      await linkNodeModules(dir, installs['3']);
      await writeFile(join(dir, 'vitest.config.mjs'), `export default { test: ${REJECTED_BY_4} };\n`);
    });
    try {
      const runner =
        session.log.events.find((e) => e.type === 'test.runner') ??
        (await session.log.until((e) => e.type === 'test.runner')).at(-1);
      expect(runner?.type === 'test.runner' && runner.version).toMatch(/^3\./);
      await writeFile(
        join(session.dir, 'src/math.ts'),
        // Wrong on purpose: the rerun must import the edited module, not a cached one.
        'export function add(a: number, b: number): number {\n  return a - b;\n}\n',
      );
      const after = await session.log.until((e) => e.type === 'test.run.finished');
      const started = after.filter((e) => e.type === 'test.run.started').at(-1);
      expect(started?.type === 'test.run.started' && started.selected).toEqual([
        {
          file: 'test/unit/math.test.ts',
          kind: 'unit',
          reasons: ['imports src/math.ts (src/math.ts <- test/unit/math.test.ts)'],
        },
      ]);
      const results = after.flatMap((e) =>
        e.type === 'test.file.result' ? [`${e.result.file}:${e.result.state}`] : [],
      );
      expect(results).toEqual(['test/unit/math.test.ts:fail']);
    } finally {
      await session.stop();
    }
  });
});
