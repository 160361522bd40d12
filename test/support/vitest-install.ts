/**
 * A real vitest of a given major installed from npm once per machine (under
 * os.tmpdir(), keyed by the version asked for), for e2e projects that must
 * run their own vitest: a project links its node_modules to it. Installed in
 * a scratch directory and renamed into place, so test files installing the
 * same major at once both end up with one complete install.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The node_modules of an install of `vitest@<spec>` (e.g. "3", "4") and any
 * `also` packages beside it (e.g. "vite@5"), installing it the first time.
 */
export async function vitestInstall(spec: string, also: string[] = []): Promise<string> {
  const key = [`vitest@${spec}`, ...also].join('+');
  const home = join(tmpdir(), `devenv-test-${key}`);
  const modules = join(home, 'node_modules');
  if (existsSync(join(modules, 'vitest', 'package.json'))) return modules;
  const scratch = await mkdtemp(join(tmpdir(), `devenv-test-${key}-installing-`));
  try {
    await writeFile(join(scratch, 'package.json'), JSON.stringify({ name: 'vitest-install', private: true }));
    await execa(
      'npm',
      ['install', `vitest@${spec}`, ...also, '--no-audit', '--no-fund', '--prefer-offline', '--no-save'],
      {
        cwd: scratch,
      },
    );
    await mkdir(home, { recursive: true });
    // Another test file may have won the race: its install is as good as ours.
    await rename(join(scratch, 'node_modules'), modules).catch((error: unknown) => {
      if (!existsSync(join(modules, 'vitest', 'package.json'))) throw error;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return modules;
}

/** Points a project's node_modules at an install (replacing a link or directory already there). */
export async function linkNodeModules(project: string, modules: string): Promise<void> {
  await rm(join(project, 'node_modules'), { recursive: true, force: true });
  await symlink(modules, join(project, 'node_modules'));
}
