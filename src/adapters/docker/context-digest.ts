/**
 * A digest of the build context as the engine would receive it: the same walk
 * and .dockerignore rules as the tar (build-context.ts), and per entry what
 * the tar sends that a build can see: its path, type, permission bits,
 * symlink target and bytes. Not mtimes and not owners (the tar sends 0:0): a
 * fresh checkout of the same files has the same digest.
 */
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { DevenvError } from '../../core/errors.js';
import { contextDockerfile, listBuildContext } from './build-context.js';

/** Files up to this size are read whole, at once; larger ones are streamed. */
const WHOLE_FILE_BYTES = 4 * 1024 * 1024;
/** Synchronous reads for at most this long before the event loop gets a turn (a dashboard may be drawing). */
const SLICE_MS = 10;

async function streamHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One line per entry; a file's line carries the hash of its bytes. */
async function entryLine(contextDir: string, path: string): Promise<string> {
  const absolute = join(contextDir, path);
  const stat = lstatSync(absolute);
  const mode = (stat.mode & 0o7777).toString(8);
  const name = JSON.stringify(path);
  if (stat.isDirectory()) return `d ${mode} ${name}`;
  if (stat.isSymbolicLink()) return `l ${mode} ${name} ${JSON.stringify(readlinkSync(absolute))}`;
  if (stat.isFile()) {
    const bytes =
      stat.size <= WHOLE_FILE_BYTES
        ? createHash('sha256').update(readFileSync(absolute)).digest('hex')
        : await streamHash(absolute);
    return `f ${mode} ${name} ${bytes}`;
  }
  return `- ${name}`; // sockets, fifos, devices: not sent, as with the docker CLI
}

/**
 * sha256 (hex) of the context `contextDir` sends for `dockerfile` (relative to it, or absolute).
 * Small files are read synchronously, in slices of SLICE_MS: measured on a 475-file context,
 * 2.5x faster than one promise per file, and the event loop still turns every few milliseconds.
 */
export async function digestBuildContext(contextDir: string, dockerfile: string): Promise<string> {
  try {
    const paths = await listBuildContext(contextDir, contextDockerfile(contextDir, dockerfile));
    const hash = createHash('sha256');
    let slice = performance.now();
    for (const path of paths) {
      hash.update(`${await entryLine(contextDir, path)}\n`);
      if (performance.now() - slice > SLICE_MS) {
        await yieldToEventLoop();
        slice = performance.now();
      }
    }
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
