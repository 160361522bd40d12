/**
 * The build context as a tar stream (ustar, with PAX records for long or
 * non-ASCII names), the way the docker CLI sends it: owner 0:0, the files'
 * modes and mtimes, directories, regular files and symlinks.
 */
import { createReadStream } from 'node:fs';
import { lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

const block = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function padding(size: number): Buffer {
  const rest = size % block;
  return Buffer.alloc(rest === 0 ? 0 : block - rest);
}

interface HeaderFields {
  name: string;
  mode: number;
  size: number;
  mtime: number;
  type: '0' | '2' | '5' | 'x';
  linkname?: string;
}

function header(fields: HeaderFields): Buffer {
  const buffer = Buffer.alloc(block);
  buffer.write(fields.name, 0, 100, 'utf8');
  buffer.write(octal(fields.mode & 0o7777, 8), 100, 'ascii');
  buffer.write(octal(0, 8), 108, 'ascii');
  buffer.write(octal(0, 8), 116, 'ascii');
  buffer.write(octal(fields.size, 12), 124, 'ascii');
  buffer.write(octal(Math.floor(fields.mtime), 12), 136, 'ascii');
  buffer.write('        ', 148, 'ascii');
  buffer.write(fields.type, 156, 'ascii');
  if (fields.linkname !== undefined) buffer.write(fields.linkname, 157, 100, 'utf8');
  buffer.write('ustar\0', 257, 'ascii');
  buffer.write('00', 263, 'ascii');
  let checksum = 0;
  for (const byte of buffer) checksum += byte;
  buffer.write(octal(checksum, 7) + ' ', 148, 'ascii');
  return buffer;
}

/** "<length> key=value\n", where length counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (Buffer.byteLength(`${length}${body}`) !== length) length++;
  return `${length}${body}`;
}

function needsPax(text: string): boolean {
  return Buffer.byteLength(text) >= 100 || /[^\x20-\x7e]/.test(text);
}

/** Header blocks of one entry: a PAX header first when a name does not fit ustar. */
function entryHeaders(fields: HeaderFields): Buffer[] {
  const records: string[] = [];
  if (needsPax(fields.name)) records.push(paxRecord('path', fields.name));
  if (fields.linkname !== undefined && needsPax(fields.linkname))
    records.push(paxRecord('linkpath', fields.linkname));
  if (records.length === 0) return [header(fields)];
  const pax = Buffer.from(records.join(''), 'utf8');
  return [
    header({ name: 'PaxHeader', mode: 0o644, size: pax.length, mtime: fields.mtime, type: 'x' }),
    pax,
    padding(pax.length),
    header({ ...fields, name: fields.name.slice(0, 99), linkname: fields.linkname?.slice(0, 99) }),
  ];
}

async function* entries(contextDir: string, paths: readonly string[]): AsyncGenerator<Buffer> {
  for (const path of paths) {
    const absolute = join(contextDir, path);
    const stat = await lstat(absolute);
    const mtime = stat.mtimeMs / 1000;
    if (stat.isDirectory()) {
      yield* entryHeaders({ name: `${path}/`, mode: stat.mode, size: 0, mtime, type: '5' });
    } else if (stat.isSymbolicLink()) {
      yield* entryHeaders({
        name: path,
        mode: stat.mode,
        size: 0,
        mtime,
        type: '2',
        linkname: await readlink(absolute),
      });
    } else if (stat.isFile()) {
      yield* entryHeaders({ name: path, mode: stat.mode, size: stat.size, mtime, type: '0' });
      // Exactly the size in the header, even if the file changes while it is read.
      let written = 0;
      for await (const chunk of createReadStream(absolute, { start: 0, end: Math.max(stat.size - 1, 0) })) {
        const bytes = (chunk as Buffer).subarray(0, stat.size - written);
        written += bytes.length;
        yield bytes;
        if (written >= stat.size) break;
      }
      if (written < stat.size) yield Buffer.alloc(stat.size - written);
      yield padding(stat.size);
    }
    // Sockets, fifos and devices are not sent, as with the docker CLI.
  }
  yield Buffer.alloc(block * 2);
}

/** Packs the given context-relative paths (from listBuildContext) of `contextDir`. */
export function packBuildContext(contextDir: string, paths: readonly string[]): Readable {
  return Readable.from(entries(contextDir, paths), { objectMode: false });
}

/** A tar of in-memory files at absolute container paths (their directories included), owner 0:0. */
export function packFiles(files: readonly { path: string; content: string; mode: number }[]): Readable {
  const mtime = Date.now() / 1000;
  const chunks: Buffer[] = [];
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.path.replace(/^\/+/, '').split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      chunks.push(...entryHeaders({ name: `${dir}/`, mode: 0o755, size: 0, mtime, type: '5' }));
    }
    const body = Buffer.from(file.content, 'utf8');
    chunks.push(
      ...entryHeaders({ name: parts.join('/'), mode: file.mode, size: body.length, mtime, type: '0' }),
    );
    chunks.push(body, padding(body.length));
  }
  chunks.push(Buffer.alloc(block * 2));
  return Readable.from([Buffer.concat(chunks)]);
}
