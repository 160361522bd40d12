/**
 * devenv's cache directory on this machine ($DEVENV_CACHE_DIR, else
 * $XDG_CACHE_HOME/devenv, else ~/.cache/devenv): named blobs written
 * atomically (temp file + rename), readable as streams, private to the user.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

export interface BlobCache {
  has(name: string): Promise<boolean>;
  read(name: string): Readable;
  write(name: string, data: NodeJS.ReadableStream): Promise<void>;
  list(): Promise<{ name: string; modifiedAt: number }[]>;
  remove(name: string): Promise<void>;
}

export function cacheDirectory(env: Record<string, string | undefined>): string {
  if (env['DEVENV_CACHE_DIR']) return env['DEVENV_CACHE_DIR'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'devenv');
}

export function blobCache(dir: string): BlobCache {
  const path = (name: string) => join(dir, name);
  return {
    async has(name) {
      return stat(path(name)).then(
        (info) => info.isFile() && info.size > 0,
        () => false,
      );
    },
    read(name) {
      return createReadStream(path(name));
    },
    async write(name, data) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temp = `${path(name)}.${process.pid}.${Date.now()}.tmp`;
      try {
        await pipeline(data, createWriteStream(temp, { mode: 0o600 }));
        await rename(temp, path(name));
      } finally {
        await rm(temp, { force: true });
      }
    },
    async list() {
      const names = await readdir(dir).catch(() => [] as string[]);
      const blobs = await Promise.all(
        names
          .filter((name) => !name.endsWith('.tmp'))
          .map(async (name) => {
            const info = await stat(path(name)).catch(() => undefined);
            return info?.isFile() ? [{ name, modifiedAt: info.mtimeMs }] : [];
          }),
      );
      return blobs.flat();
    },
    async remove(name) {
      await rm(path(name), { force: true });
    },
  };
}
