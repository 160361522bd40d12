/**
 * `devenv watch` with a .gitignore below the project root, and when the
 * vitest config changes: the runner starts over with the new config (which
 * tests exist), instead of rerunning everything with the config it started with.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventLog } from '../support/event-log.js';
import { startWatchSession, type WatchSession } from '../support/watch-session.js';

let session: WatchSession;
let dir: string;
let log: EventLog;

beforeAll(async () => {
  // A nested .gitignore: its patterns apply under src/ only.
  session = await startWatchSession('devenv-watch-config-', (copy) =>
    writeFile(join(copy, 'src/.gitignore'), '*.generated.ts\n'),
  );
  ({ dir, log } = session);
});

afterAll(async () => session?.stop());

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
