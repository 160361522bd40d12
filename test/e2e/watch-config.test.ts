/**
 * `devenv watch` when the vitest config changes: the runner starts over with
 * the new config (which tests exist), instead of rerunning
 * everything with the config it started with.
 */
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, spawnDevenv } from '../support/cli.js';
import { EventLog } from '../support/event-log.js';

let dir: string;
let child: ResultPromise;
let log: EventLog;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devenv-watch-config-'));
  await cp(join(repoRoot, 'test/fixtures/watch-project'), dir, { recursive: true });
  await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  // A nested .gitignore: its patterns apply under src/ only.
  await writeFile(join(dir, 'src/.gitignore'), '*.generated.ts\n');
  child = spawnDevenv(dir, ['watch', '--json']);
  log = new EventLog(child);
  await log.until((e) => e.type === 'watcher.ready');
});

afterAll(async () => {
  child?.kill('SIGINT');
  await child;
  await rm(dir, { recursive: true, force: true });
});

describe('devenv watch, nested .gitignore', () => {
  it('leaves out what a .gitignore below the root ignores', async () => {
    await writeFile(join(dir, 'src/api.generated.ts'), 'export {};\n');
    await writeFile(join(dir, 'api.generated.ts'), 'export {};\n');
    await writeFile(
      join(dir, 'src/math.ts'),
      'export function add(a: number, b: number): number {\n  return b + a;\n}\n',
    );
    // The batches may split; everything up to the one with src/math.ts is what the watcher saw.
    const events = await log.until((e) => e.type === 'files.changed' && e.files.includes('src/math.ts'));
    const changed = events.flatMap((e) => (e.type === 'files.changed' ? e.files : []));
    expect(changed).toContain('api.generated.ts');
    expect(changed).not.toContain('src/api.generated.ts');
    await log.until((e) => e.type === 'test.run.finished');
  });
});

describe('devenv watch, vitest config changed', () => {
  it('runs what the new config includes', async () => {
    await writeFile(
      join(dir, 'vitest.config.ts'),
      `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['test/unit/math.test.ts'] } });\n`,
    );
    const events = await log.until((e) => e.type === 'test.run.finished');
    const run = events.filter((e) => e.type === 'test.run.started').at(-1);
    expect(run?.type === 'test.run.started' && run.selected.map((s) => s.file)).toEqual([
      'test/unit/math.test.ts',
    ]);
    const finished = events.at(-1);
    expect(finished).toMatchObject({ type: 'test.run.finished', counts: { failed: 0 } });
  });
});
