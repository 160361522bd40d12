/**
 * A digest of the build context as the engine would receive it: the same walk
 * and .dockerignore rules as the tar (build-context.ts), and per entry what
 * the tar sends that a build can see: its path, type, permission bits,
 * symlink target and bytes. Not mtimes and not owners (the tar sends 0:0): a
 * fresh checkout of the same files has the same digest. Files are hashed a
 * few at a time, then combined in path order.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DevenvError } from '../../core/errors.js';
import { contextDockerfile, listBuildContext } from './build-context.js';

const PARALLEL_READS = 16;

async function fileHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One line per entry; a file's line carries the hash of its bytes. */
async function entryLine(contextDir: string, path: string): Promise<string> {
  const absolute = join(contextDir, path);
  const stat = await lstat(absolute);
  const mode = (stat.mode & 0o7777).toString(8);
  if (stat.isDirectory()) return `d ${mode} ${JSON.stringify(path)}`;
  if (stat.isSymbolicLink())
    return `l ${mode} ${JSON.stringify(path)} ${JSON.stringify(await readlink(absolute))}`;
  if (stat.isFile()) return `f ${mode} ${JSON.stringify(path)} ${await fileHash(absolute)}`;
  return `- ${JSON.stringify(path)}`; // sockets, fifos, devices: not sent, as with the docker CLI
}

/** sha256 (hex) of the context `contextDir` sends for `dockerfile` (relative to it, or absolute). */
export async function digestBuildContext(contextDir: string, dockerfile: string): Promise<string> {
  try {
    const paths = await listBuildContext(contextDir, contextDockerfile(contextDir, dockerfile));
    const lines = new Array<string>(paths.length);
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const index = next++;
        lines[index] = await entryLine(contextDir, paths[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_READS, paths.length) }, worker));
    const hash = createHash('sha256');
    for (const line of lines) hash.update(`${line}\n`);
    return hash.digest('hex');
  } catch (error) {
    throw new DevenvError(
      'IMAGE_BUILD_FAILED',
      `Cannot read the build context ${contextDir}: ${(error as Error).message}`,
      {
        hint: 'Check that the build context directory exists and that devenv may read every file .dockerignore does not exclude.',
        cause: error,
      },
    );
  }
}
