/** A content hash of files or directory trees (names, modes and bytes), for cache keys. */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

async function walk(path: string, hash: ReturnType<typeof createHash>, name: string): Promise<void> {
  const info = await stat(path);
  if (info.isDirectory()) {
    hash.update(`d:${name}\n`);
    for (const entry of (await readdir(path)).sort()) await walk(join(path, entry), hash, `${name}/${entry}`);
  } else {
    hash.update(`f:${name}:${info.mode & 0o777}:${info.size}\n`);
    hash.update(await readFile(path));
  }
}

export async function contentHash(paths: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) {
    hash.update(`root:${path}\n`);
    await walk(path, hash, '.').catch((error: NodeJS.ErrnoException) =>
      hash.update(`missing:${error.code ?? 'error'}\n`),
    );
  }
  return hash.digest('hex');
}
