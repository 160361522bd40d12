/** The directory `devenv init` writes into, on the file system. */
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ScaffoldTarget } from '../../contracts/scaffold.js';
import type { ExistingEntry } from '../../core/scaffold/scaffold-plan.js';

async function entryAt(path: string): Promise<ExistingEntry | undefined> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (info === undefined) return undefined;
  if (info.isFile()) return { kind: 'file', content: await readFile(path, 'utf8') };
  return info.isDirectory() ? { kind: 'directory' } : { kind: 'other' };
}

export const fileScaffoldTarget: ScaffoldTarget = {
  async existing(dir, paths) {
    const found = new Map<string, ExistingEntry>();
    for (const path of paths) {
      const entry = await entryAt(join(dir, path));
      if (entry !== undefined) found.set(path, entry);
    }
    return found;
  },
  async write(dir, steps) {
    for (const step of steps) {
      if (step.action === 'keep') continue;
      const path = join(dir, step.path);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, step.content, { mode: step.executable ? 0o755 : 0o644 });
    }
  },
};
