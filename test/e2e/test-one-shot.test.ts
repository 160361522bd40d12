/**
 * One-shot `devenv test` on a temp vitest project (no devenv.yaml, tests
 * beside the sources as many libraries keep them): the import graph kept on
 * disk between runs, files nearest to the change run first, and every
 * "nothing to run" says why.
 */
import { execa } from 'execa';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv, repoRoot } from '../support/cli.js';
import { vitestProject, type TempProject } from '../support/projects.js';
import { jsonEvents } from '../support/json-events.js';

const events = jsonEvents;

/** The order files reported in (one worker, no file parallelism: the order they ran in). */
function reported(stdout: string): string[] {
  return events(stdout).flatMap((e) => (e.type === 'test.file.result' ? [e.result.file] : []));
}

const failing = (name: string, importPath: string, symbol: string) =>
  `import { expect, it } from 'vitest';\nimport { ${symbol} } from '${importPath}';\nit('${name}', () => expect(${symbol}(2)).toBe(-1));\n`;

let project: TempProject;
const graphFile = () => join(project.dir, 'node_modules/.cache/devenv/import-graph.json');

beforeAll(async () => {
  project = await vitestProject(
    {
      'package.json': '{ "name": "one-shot", "private": true, "type": "module" }\n',
      '.gitignore': 'node_modules\n',
      // One file at a time: results arrive in the order the files ran.
      'vitest.config.ts': `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['src/**/*.test.ts'], fileParallelism: false } });\n`,
      'src/double.ts': 'export const double = (n: number) => n * 2;\n',
      'src/quadruple.ts':
        "import { double } from './double';\nexport const quadruple = (n: number) => double(double(n));\n",
      'src/octuple.ts':
        "import { quadruple } from './quadruple';\nexport const octuple = (n: number) => quadruple(n) * 2;\n",
      'src/other.ts': 'export const other = (n: number) => n;\n',
      // Alphabetically first, furthest from double.ts.
      'src/a-octuple.test.ts': failing('octuple', './octuple', 'octuple'),
      'src/b-quadruple.test.ts': failing('quadruple', './quadruple', 'quadruple'),
      'src/c-double.test.ts': failing('double', './double', 'double'),
      'src/other.test.ts': `import { expect, it } from 'vitest';\nimport { other } from './other';\nit('other', () => expect(other(1)).toBe(1));\n`,
    },
    'devenv-one-shot-',
  );
  // The repo's node_modules is linked in: the graph cache goes to the project's own dir instead.
  await execa('rm', [join(project.dir, 'node_modules')]);
  await execa('mkdir', ['-p', join(project.dir, 'node_modules')]);
  for (const name of ['vitest', '@vitest', 'vite', '.bin'])
    await execa('ln', ['-s', join(repoRoot, 'node_modules', name), join(project.dir, 'node_modules', name)]);
  const git = (...args: string[]) => execa('git', args, { cwd: project.dir });
  await git('init', '-q', '-b', 'main');
  await git('add', '.');
  await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'init');
});

afterAll(async () => project?.remove());

describe('devenv test, one shot', () => {
  it('runs every test beside the sources without a devenv.yaml', async () => {
    const result = await devenv(project.dir, ['test', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(reported(result.stdout).sort()).toEqual([
      'src/a-octuple.test.ts',
      'src/b-quadruple.test.ts',
      'src/c-double.test.ts',
      'src/other.test.ts',
    ]);
  });

  it('starts the tests nearest to the change first and reports when the first failure came', async () => {
    const result = await devenv(project.dir, ['test', 'src/double.ts', '--json']);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(reported(result.stdout)).toEqual([
      'src/c-double.test.ts',
      'src/b-quadruple.test.ts',
      'src/a-octuple.test.ts',
    ]);
    const finished = events(result.stdout).find((e) => e.type === 'test.run.finished');
    expect(finished?.type === 'test.run.finished' && finished.firstFailureMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps the import graph on disk: an unchanged project transforms nothing, an edit re-reads that module only', async () => {
    const before = await stat(graphFile());
    const cached = JSON.parse(await readFile(graphFile(), 'utf8')) as {
      modules: Record<string, { hash: string; imports: string[] }>;
    };
    expect(cached.modules['\u0000src/quadruple.ts']?.imports).toEqual(['src/double.ts']);

    const again = await devenv(project.dir, ['test', 'src/double.ts', '--json']);
    expect(reported(again.stdout)).toHaveLength(3);
    // Nothing transformed, so nothing written.
    expect((await stat(graphFile())).mtimeMs).toBe(before.mtimeMs);

    // quadruple.ts no longer imports double.ts: the cached edge must not survive the edit.
    await writeFile(
      join(project.dir, 'src/quadruple.ts'),
      'export const quadruple = (n: number) => n * 4;\n',
    );
    const edited = await devenv(project.dir, ['test', 'src/double.ts', '--json']);
    expect(reported(edited.stdout)).toEqual(['src/c-double.test.ts']);
    const after = JSON.parse(await readFile(graphFile(), 'utf8')) as typeof cached;
    expect(after.modules['\u0000src/quadruple.ts']?.imports).toEqual([]);
    expect(after.modules['\u0000src/octuple.ts']).toEqual(cached.modules['\u0000src/octuple.ts']);
  });

  it('says why nothing runs: no change at all, or a change no test imports', async () => {
    await execa('git', ['checkout', '-q', '--', '.'], { cwd: project.dir });
    const clean = await devenv(project.dir, ['test', '--changed']);
    expect(clean.exitCode, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout + clean.stderr).toContain('no changes (changed vs HEAD');
    expect(clean.stdout + clean.stderr).not.toContain('no test files found');

    await writeFile(join(project.dir, 'README.md'), '# notes\n');
    const unrelated = await devenv(project.dir, ['test', 'README.md']);
    expect(unrelated.exitCode).toBe(0);
    expect(unrelated.stdout + unrelated.stderr).toContain(
      'no tests affected by README.md: no test file imports it',
    );
  });
});
