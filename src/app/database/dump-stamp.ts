/**
 * Reading a dump's anonymization stamp before anything of it is loaded: a
 * plain dump is scanned here; a custom one is read by pg_restore in the
 * stack's Postgres container (its table of contents first, which pg_restore
 * reads without the data; then the stamp table's row, read up to that table's
 * data), the file streamed to it through the engine.
 */
import { Writable } from 'node:stream';
import {
  readAnonymizationStamp,
  tocListsStamp,
  type StampReading,
} from '../../core/data/anonymization-stamp.js';
import type { DumpFormat } from '../../core/data/dump-format.js';
import { pgRestoreListCommand, pgRestoreStampCommand } from '../../core/data/pg-commands.js';
import { DevenvError } from '../../core/errors.js';
import type { AppContext } from '../context.js';
import { readDump, scanPlainStamp } from './dump-file.js';
import { runPgTool } from './pg-tool.js';
import type { StackDatabase } from './stack-database.js';

/** Whether a line of the output so far names the stamp's data; holds one line at a time. */
function tocWatcher(): Writable & { listsStamp: boolean } {
  let pending = '';
  const watcher = new Writable({
    decodeStrings: true,
    write(chunk: Buffer, _encoding, done) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop() ?? '';
      if (lines.some((line) => tocListsStamp(line))) watcher.listsStamp = true;
      // A TOC line is short; one that is not is no stamp line either.
      if (pending.length > 64 * 1024) pending = '';
      done();
    },
  }) as Writable & { listsStamp: boolean };
  watcher.listsStamp = false;
  return watcher;
}

/** The first `limit` bytes written to it, as text. */
function collector(limit: number): Writable & { text(): string } {
  const chunks: Buffer[] = [];
  let kept = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (kept < limit) {
        chunks.push(chunk.subarray(0, limit - kept));
        kept += Math.min(chunk.length, limit - kept);
      }
      done();
    },
  }) as Writable & { text(): string };
  sink.text = () => Buffer.concat(chunks).toString('utf8');
  return sink;
}

async function withDump<T>(path: string, use: (stdin: NodeJS.ReadableStream) => Promise<T>): Promise<T> {
  const stdin = readDump(path);
  try {
    return await use(stdin);
  } finally {
    stdin.destroy();
  }
}

async function customStamp(
  ctx: AppContext,
  db: StackDatabase,
  path: string,
  file: string,
): Promise<StampReading> {
  const hint = `pg_restore ran in the container of "${db.settings.service}" on ${file}; is it a complete dump made by this Postgres major version or an older one?`;
  const toc = tocWatcher();
  await withDump(path, (stdin) =>
    runPgTool(db, {
      label: `pg_restore --list of ${file}`,
      command: pgRestoreListCommand(),
      stdin,
      stdout: toc,
      signal: ctx.signal,
      hint,
      interrupted: 'Nothing was loaded.',
    }),
  );
  if (!toc.listsStamp) return { status: 'absent' };
  const row = collector(8 * 1024 * 1024);
  await withDump(path, (stdin) =>
    runPgTool(db, {
      label: `pg_restore of the anonymization stamp of ${file}`,
      command: pgRestoreStampCommand(),
      stdin,
      stdout: row,
      signal: ctx.signal,
      hint,
      interrupted: 'Nothing was loaded.',
    }),
  );
  return readAnonymizationStamp(row.text());
}

export async function readDumpStamp(
  ctx: AppContext,
  db: StackDatabase,
  path: string,
  file: string,
  format: DumpFormat,
): Promise<StampReading> {
  try {
    return format === 'plain' ? await scanPlainStamp(path) : await customStamp(ctx, db, path, file);
  } catch (error) {
    if (error instanceof DevenvError) throw error;
    throw new DevenvError('DUMP_INVALID', `Could not read ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
