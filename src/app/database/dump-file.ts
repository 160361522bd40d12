/**
 * Dump files on this machine: the first bytes (for the format), a scan of a
 * plain dump for the anonymization stamp that reads only until it is found
 * and holds one line at most, and output that takes the final name only
 * when complete (a failed or interrupted dump leaves no file that looks whole).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream, type WriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { finished } from 'node:stream/promises';
import { readAnonymizationStamp, type StampReading } from '../../core/data/anonymization-stamp.js';
import { StampScanner } from '../../core/data/stamp-scanner.js';
import { DevenvError } from '../../core/errors.js';

/** A path as the user would write it: relative to the working directory when under it. */
export function shownPath(cwd: string, path: string): string {
  const shown = relative(cwd, path);
  return shown.startsWith('..') || shown === '' ? path : shown;
}

/** The file's size; DUMP_INVALID when it is missing or not a file. */
export async function dumpFileSize(path: string): Promise<number> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new DevenvError(
      'DUMP_INVALID',
      `Cannot read ${path}: ${error.code === 'ENOENT' ? 'no such file' : error.message}.`,
      {
        hint: 'Name a dump made by `devenv db dump` (or pg_dump --format custom or plain).',
      },
    );
  });
  if (!info.isFile())
    throw new DevenvError('DUMP_INVALID', `${path} is not a file.`, {
      hint: 'A directory-format dump cannot be streamed: make one with `devenv db dump` (or pg_dump --format custom).',
    });
  return info.size;
}

export async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function readDump(path: string): ReadStream {
  return createReadStream(path, { highWaterMark: 256 * 1024 });
}

/**
 * The stamp of a plain dump (core/data/stamp-scanner.ts): reads until the
 * stamp's statement is complete, the whole file when there is none.
 */
export async function scanPlainStamp(path: string): Promise<StampReading> {
  const stream = readDump(path);
  const scanner = new StampScanner();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const text = scanner.push(chunk);
      if (text !== undefined) return readAnonymizationStamp(text);
    }
    const rest = scanner.end();
    return rest === undefined ? { status: 'absent' } : readAnonymizationStamp(rest);
  } finally {
    stream.destroy();
  }
}

export interface DumpOutput {
  stream: WriteStream;
  /** Ends the stream and gives the file its name. */
  commit(): Promise<void>;
  /** Removes what was written. */
  discard(): Promise<void>;
}

function writeFailed(path: string, error: unknown): DevenvError {
  return new DevenvError(
    'DATABASE_ERROR',
    `Could not write the dump to ${path}: ${error instanceof Error ? error.message : String(error)}`,
    { hint: 'Check the directory exists, is writable and has room; no dump was written.', cause: error },
  );
}

/**
 * Writes beside `path` under a temporary name, once that file is open (a directory that is not
 * there or not writable is said before anything is dumped); the final name is given only by commit().
 */
export async function dumpOutput(path: string): Promise<DumpOutput> {
  const partial = join(dirname(path), `.${basename(path)}.partial-${randomBytes(3).toString('hex')}`);
  const stream = createWriteStream(partial, { highWaterMark: 256 * 1024 });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  }).catch((error: unknown) => {
    throw writeFailed(path, error);
  });
  return {
    stream,
    async commit() {
      stream.end();
      await finished(stream).catch((error: unknown) => {
        throw writeFailed(path, error);
      });
      await rename(partial, path).catch((error: unknown) => {
        throw writeFailed(path, error);
      });
    },
    async discard() {
      stream.destroy();
      await rm(partial, { force: true });
    },
  };
}

/** A failure of the file (read for a load, written by a dump) as devenv says it. */
export function fileFailure(error: unknown, path: string, reading: boolean): unknown {
  if (error instanceof DevenvError || !(error instanceof Error) || !('code' in error)) return error;
  return reading
    ? new DevenvError('DUMP_INVALID', `Could not read ${path}: ${error.message}`, {
        hint: 'Nothing was loaded.',
        cause: error,
      })
    : writeFailed(path, error);
}
