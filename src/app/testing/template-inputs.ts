/**
 * The files behind the template key: every file under the project matching
 * `database.inputs` (walking only each glob's literal base directory), with a
 * digest of its bytes. Paths are project-relative, so two checkouts of the same
 * migrations get the same key.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { globBase, globCovers } from '../../core/glob/glob-scope.js';
import type { TemplateInputFile } from '../../core/testdb/template-key.js';
import { relativePosix } from '../../core/paths/posix-path.js';

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

async function walk(dir: string, found: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) await walk(path, found);
    } else if (entry.isFile()) {
      found.push(path);
    }
  }
}

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) return [];
  if (info.isFile()) return [path];
  const found: string[] = [];
  if (info.isDirectory()) await walk(path, found);
  return found;
}

/** The project's files matching any of globs (project-relative path -> absolute), in path order. */
export async function projectFilesMatching(
  projectDir: string,
  globs: readonly string[],
): Promise<Map<string, string>> {
  const paths = new Map<string, string>();
  for (const glob of globs) {
    for (const absolute of await filesUnder(join(projectDir, globBase(glob)))) {
      const rel = relativePosix(projectDir, absolute);
      if (globCovers(glob, rel)) paths.set(rel, absolute);
    }
  }
  return new Map([...paths].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export async function templateInputFiles(
  projectDir: string,
  globs: readonly string[],
): Promise<TemplateInputFile[]> {
  const paths = await projectFilesMatching(projectDir, globs);
  return Promise.all(
    [...paths].map(async ([path, absolute]) => ({
      path,
      digest: createHash('sha256')
        .update(await readFile(absolute))
        .digest('hex'),
    })),
  );
}
