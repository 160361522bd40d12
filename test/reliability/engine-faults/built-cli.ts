/**
 * The CLI these tests run is dist/ (bin/devenv): compiled unless it is newer
 * than every source file already (the reliability project has no global
 * build step, and three files compiling in turn would cost minutes in CI).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import buildOnce from '../../support/build-once.js';
import { repoRoot } from '../../support/cli.js';

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, await newestSource(path));
    else newest = Math.max(newest, (await stat(path)).mtimeMs);
  }
  return newest;
}

export async function ensureBuiltCli(): Promise<void> {
  const built = await stat(join(repoRoot, 'dist/cli/main.js')).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  if (built > 0 && built >= (await newestSource(join(repoRoot, 'src')))) return;
  await buildOnce();
}
