/**
 * The build context as a tar stream, the way the docker CLI sends it: owner
 * 0:0, the files' modes and mtimes, directories, regular files and symlinks.
 * tar-stream writes the archive (ustar, with PAX records for long or
 * non-ASCII names); this module decides what goes in.
 */
import { constants, createReadStream } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import tar from 'tar-stream';

type EntryHeader = tar.Headers & { name: string; mode: number; mtime: Date };

/** Adds one entry and waits until it is written: a file's body with backpressure, others whole. */
async function addEntry(
  pack: tar.Pack,
  header: EntryHeader,
  body?: Buffer | AsyncIterable<Buffer>,
): Promise<void> {
  if (body === undefined || Buffer.isBuffer(body)) {
    await new Promise<void>((resolve, reject) =>
      pack.entry(header, body ?? Buffer.alloc(0), (error) => (error ? reject(error) : resolve())),
    );
    return;
  }
  let sink!: Writable;
  const done = new Promise<void>((resolve, reject) => {
    sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
  });
  for await (const chunk of body) {
    if (!sink.write(chunk)) await once(sink, 'drain');
  }
  sink.end();
  await done;
}

/** Exactly `size` bytes of the file, even if it changes while it is read (zeros when it shrank). */
async function* fileBytes(path: string, size: number): AsyncGenerator<Buffer> {
  let written = 0;
  if (size > 0) {
    for await (const chunk of createReadStream(path, { start: 0, end: size - 1 })) {
      const bytes = (chunk as Buffer).subarray(0, size - written);
      written += bytes.length;
      yield bytes;
      if (written >= size) break;
    }
  }
  if (written < size) yield Buffer.alloc(size - written);
}

/** Fills `pack` in the background; a failure destroys the stream with the error. */
function packInBackground(fill: (pack: tar.Pack) => Promise<void>): Readable {
  const pack = tar.pack();
  void fill(pack).then(
    () => pack.finalize(),
    (error: unknown) => pack.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return pack;
}

/** Packs the given context-relative paths (from listBuildContext) of `contextDir`. */
export function packBuildContext(contextDir: string, paths: readonly string[]): Readable {
  return packInBackground(async (pack) => {
    for (const path of paths) {
      const absolute = join(contextDir, path);
      const stat = await lstat(absolute);
      // stat.mode keeps its type bits, so a mode of 000 stays 000 (tar-stream replaces a 0 mode).
      const common = { name: path, mode: stat.mode, mtime: stat.mtime, uid: 0, gid: 0 };
      if (stat.isDirectory()) {
        await addEntry(pack, { ...common, name: `${path}/`, type: 'directory' });
      } else if (stat.isSymbolicLink()) {
        await addEntry(pack, { ...common, type: 'symlink', linkname: await readlink(absolute) });
      } else if (stat.isFile()) {
        await addEntry(pack, { ...common, type: 'file', size: stat.size }, fileBytes(absolute, stat.size));
      }
      // Sockets, fifos and devices are not sent, as with the docker CLI.
    }
  });
}

/** A tar of in-memory files at absolute container paths (their directories included), owner 0:0. */
export function packFiles(files: readonly { path: string; content: string; mode: number }[]): Readable {
  return packInBackground(async (pack) => {
    const mtime = new Date();
    const dirs = new Set<string>();
    for (const file of files) {
      const parts = file.path.replace(/^\/+/, '').split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (dirs.has(dir)) continue;
        dirs.add(dir);
        await addEntry(pack, { name: `${dir}/`, mode: 0o755, mtime, type: 'directory' });
      }
      // With its type bits, so a mode of 000 stays 000 (tar-stream replaces a 0 mode).
      const mode = file.mode | constants.S_IFREG;
      const header: EntryHeader = { name: parts.join('/'), mode, mtime, type: 'file' };
      await addEntry(pack, header, Buffer.from(file.content, 'utf8'));
    }
  });
}
