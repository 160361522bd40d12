/**
 * The project watcher (adapters/watcher/project-watcher.ts) on the real file system with
 * chokidar. chokidar drops a path's 'change' events for 50 ms after one it reports, with no
 * trailing event: a save in that window must still reach a batch, or watch mode tests stale
 * content (seen in CI: a test file saved twice in quick succession ran its first version).
 */
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProjectWatcher } from '../../../src/contracts/project-watcher.js';
import { watchProject } from '../../../src/adapters/watcher/project-watcher.js';
import type { FileChange } from '../../../src/core/affected/file-events.js';

let dir = '';
let watcher: ProjectWatcher | undefined;

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

/** Batches as they come, and a way to wait for the next one that names a path. */
async function watching(root: string, debounceMs = 5) {
  const batches: { at: number; changes: FileChange[] }[] = [];
  const waiters: (() => void)[] = [];
  watcher = await watchProject({
    root,
    debounceMs,
    ignore: [],
    onBatch: (changes) => {
      batches.push({ at: performance.now(), changes });
      for (const wake of waiters.splice(0)) wake();
    },
    onError: (error) => {
      throw error;
    },
  });
  const nextNaming = async (path: string, after: number, timeoutMs = 2000): Promise<number | undefined> => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const found = batches.find((b) => b.at > after && b.changes.some((c) => c.path === path));
      if (found) return found.at;
      const left = deadline - performance.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, left);
      });
    }
  };
  return { nextNaming };
}

describe('project watcher', () => {
  it('reports a save that lands while chokidar throttles the path after a first change', async () => {
    dir = await mkdtemp(join(tmpdir(), 'devenv-watcher-'));
    await writeFile(join(dir, 'a.test.ts'), 'export const v = 0;\n');
    const { nextNaming } = await watching(dir);

    const start = performance.now();
    await writeFile(join(dir, 'a.test.ts'), 'export const v = 1;\n');
    const first = await nextNaming('a.test.ts', start);
    expect(first).toBeDefined();
    // At once (the batch came 5 ms after chokidar's change: its 50 ms throttle is still on).
    const secondWrite = performance.now();
    await writeFile(join(dir, 'a.test.ts'), 'export const v = 2;\n');
    expect(await nextNaming('a.test.ts', secondWrite)).toBeDefined();
  });

  it('says nothing more of a file that did not change again', async () => {
    dir = await mkdtemp(join(tmpdir(), 'devenv-watcher-'));
    const { nextNaming } = await watching(dir);
    const start = performance.now();
    await writeFile(join(dir, 'b.ts'), 'export {};\n');
    const first = await nextNaming('b.ts', start);
    expect(first).toBeDefined();
    // Its look 60 ms later finds it as it was: no second batch.
    expect(await nextNaming('b.ts', first!, 300)).toBeUndefined();
  });

  it('makes one batch of a save whose truncate is reported before its write lands', async () => {
    // Seen in CI: `writeFile` truncates, then writes; chokidar reported the truncate, the write
    // came in its throttle window, and the look 60 ms later took the finished file for a second
    // change: one save, two batches, two runs.
    dir = await mkdtemp(join(tmpdir(), 'devenv-watcher-'));
    const file = join(dir, 'c.ts');
    await writeFile(file, 'export const before = 0;\n');
    const { nextNaming } = await watching(dir, 40);
    const start = performance.now();
    const handle = await open(file, 'w');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await handle.writeFile('export const after = 1;\n');
    await handle.close();
    const first = await nextNaming('c.ts', start);
    expect(first).toBeDefined();
    expect(await nextNaming('c.ts', first!, 300)).toBeUndefined();
  });
});
