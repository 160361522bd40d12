/** HostFiles on the local file system; tars with tar-stream (see contracts/host-files.ts). */
import { createHash } from 'node:crypto';
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { HostFiles } from '../../contracts/host-files.js';
import { DevenvError } from '../../core/errors.js';

const FILE_MODE = 0o644 | constants.S_IFREG;

function temporaryBeside(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.partial`);
}

/** Packs in the background; a failure destroys the stream with the error. */
function packing(fill: (pack: tar.Pack) => Promise<void>): Readable {
  const pack = tar.pack();
  void fill(pack).then(
    () => pack.finalize(),
    (error: unknown) => pack.destroy(error instanceof Error ? error : new Error(String(error))),
  );
  return pack;
}

export const hostFiles: HostFiles = {
  async readText(path) {
    let bytes: Buffer;
    try {
      if (!(await stat(path)).isFile()) return undefined;
      bytes = await readFile(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return { text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') };
  },

  async fileSize(path) {
    try {
      const info = await stat(path);
      return info.isFile() ? info.size : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  },

  async readHead(path, bytes) {
    const handle = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(bytes);
      const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  },

  packFile(path, name) {
    return packing(async (pack) => {
      const { size } = await stat(path);
      if (size === 0) {
        await new Promise<void>((resolve, reject) =>
          pack.entry({ name, mode: FILE_MODE, mtime: new Date(), type: 'file' }, Buffer.alloc(0), (error) =>
            error ? reject(error) : resolve(),
          ),
        );
        return;
      }
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ name, size, mode: FILE_MODE, mtime: new Date(), type: 'file' }, (error) =>
          error ? reject(error) : resolve(),
        );
        // Exactly `size` bytes: a file that changes meanwhile would corrupt the archive.
        pipeline(createReadStream(path, { start: 0, end: size - 1 }), entry).catch(reject);
      });
    });
  },

  packTexts(files) {
    return packing(async (pack) => {
      for (const file of files)
        await new Promise<void>((resolve, reject) =>
          pack.entry(
            { name: file.name, mode: FILE_MODE, mtime: new Date(), type: 'file' },
            Buffer.from(file.text, 'utf8'),
            (error) => (error ? reject(error) : resolve()),
          ),
        );
    });
  },

  async unpackFile(archive, path) {
    const partial = temporaryBeside(path);
    let written = 0;
    let found = false;
    const extract = tar.extract();
    extract.on('entry', (header, stream, next) => {
      if (header.type !== 'file' || found) {
        stream.on('end', next);
        stream.resume();
        return;
      }
      found = true;
      stream.on('data', (chunk: Buffer) => (written += chunk.length));
      pipeline(stream, createWriteStream(partial)).then(
        () => next(),
        (error: unknown) => extract.destroy(error as Error),
      );
    });
    try {
      await pipeline(archive, extract);
      if (!found) throw new DevenvError('ENGINE_ERROR', `the engine sent no file for ${path}`);
      await rename(partial, path);
      return written;
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  },

  async writableProblem(path) {
    const dir = dirname(path);
    try {
      if (!(await stat(dir)).isDirectory()) return `${dir} is not a directory`;
      await access(dir, constants.W_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' ? `there is no directory ${dir}` : `${dir} is not writable (${code})`;
    }
    try {
      if ((await stat(path)).isDirectory()) return 'it is a directory';
    } catch {
      // Not there yet: fine.
    }
    return undefined;
  },

  async writeText(path, text) {
    const partial = temporaryBeside(path);
    try {
      await writeFile(partial, text);
      await rename(partial, path);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  },
};
