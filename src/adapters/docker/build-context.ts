/**
 * The build context: which files of the context directory are sent to the
 * engine. .dockerignore rules apply, except to the Dockerfile and the
 * .dockerignore itself, which the engine always needs.
 */
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { hasExceptions, isIgnored, parseDockerignore, type DockerignoreRule } from './dockerignore.js';
import { toPosix } from '../../core/paths/posix-path.js';

async function readRules(contextDir: string): Promise<DockerignoreRule[]> {
  try {
    return parseDockerignore(await readFile(join(contextDir, '.dockerignore'), 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** The Dockerfile's path as the engine takes it: relative to the context, forward slashes. */
export function contextDockerfile(contextDir: string, dockerfile: string): string {
  return toPosix(isAbsolute(dockerfile) ? relative(contextDir, dockerfile) : dockerfile);
}

/**
 * Context-relative paths (forward slashes) of the directories, files and
 * symlinks to send, sorted. `dockerfile` is relative to the context.
 */
export async function listBuildContext(contextDir: string, dockerfile: string): Promise<string[]> {
  const rules = await readRules(contextDir);
  const mustWalkIgnoredDirs = hasExceptions(rules);
  const always = new Set([toPosix(dockerfile).replace(/^\.\//, ''), '.dockerignore']);
  const selected: string[] = [];

  async function walk(dir: string, dirIgnored: boolean): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    // Directories that are not ignored are sent too: COPY keeps empty ones and their modes.
    if (dir !== contextDir && !dirIgnored) selected.push(toPosix(relative(contextDir, dir)));
    for (const entry of entries) {
      const absolute = join(dir, entry.name);
      const path = toPosix(relative(contextDir, absolute));
      const ignored = isIgnored(rules, path) && !always.has(path);
      if (entry.isDirectory()) {
        if (ignored && !mustWalkIgnoredDirs) continue;
        await walk(absolute, ignored);
      } else if (!ignored) {
        selected.push(path);
      }
    }
  }

  await walk(contextDir, false);
  return selected.sort();
}
