/**
 * `devenv db dump`: pg_dump of the stack's database, run in its Postgres
 * container, streamed through the engine into a file on this machine (or
 * to stdout). The file takes its name only once the dump is complete.
 */
import { once } from 'node:events';
import { resolve } from 'node:path';
import type { DumpFormat } from '../../core/data/dump-format.js';
import { defaultDumpFile } from '../../core/data/dump-name.js';
import { pgDumpCommand } from '../../core/data/pg-commands.js';
import type { AppContext } from '../context.js';
import type { StackOptions } from '../stack-target.js';
import { dumpOutput, fileFailure, shownPath } from './dump-file.js';
import { runPgTool } from './pg-tool.js';
import { progressMeter } from './progress-meter.js';
import { withStackDatabase, type StackDatabase } from './stack-database.js';

export type DumpDestination =
  /** A file; absent path: `<stack>-<time>.dump|.sql` in the working directory. */
  | { kind: 'file'; path?: string }
  /** An open stream (stdout for `--out -`); not ended. */
  | { kind: 'stream'; stream: NodeJS.WritableStream; name: string };

export interface DumpOptions {
  stack: StackOptions;
  format: DumpFormat;
  destination: DumpDestination;
}

function runDump(ctx: AppContext, db: StackDatabase, format: DumpFormat, stdout: NodeJS.WritableStream) {
  return runPgTool(db, {
    label: `pg_dump of database ${db.name}`,
    command: pgDumpCommand(db.credentials, db.name, format),
    stdout,
    signal: ctx.signal,
    hint: `pg_dump ran in the container of "${db.settings.service}"; its messages are above.`,
    interrupted: 'No dump was written.',
  });
}

/** Dumps into `destination` through a meter; resolves when the meter has passed everything on. */
async function dumpThrough(
  ctx: AppContext,
  db: StackDatabase,
  format: DumpFormat,
  destination: NodeJS.WritableStream,
): Promise<number> {
  const meter = progressMeter(ctx, 'dump');
  // The exec reports a failing destination (through the meter) while it runs; later, commit() does.
  meter.on('error', () => undefined);
  meter.pipe(destination, { end: false });
  destination.on('error', (error: Error) => meter.destroy(error));
  await runDump(ctx, db, format, meter);
  meter.end();
  await once(meter, 'end');
  return meter.bytes;
}

export async function dumpDatabase(ctx: AppContext, options: DumpOptions): Promise<void> {
  const started = ctx.clock.now();
  await withStackDatabase(ctx, options.stack, async (db) => {
    const stack = db.target.identity.name;
    const { destination, format } = options;
    let file: string;
    let bytes: number;
    if (destination.kind === 'stream') {
      file = destination.name;
      bytes = await dumpThrough(ctx, db, format, destination.stream);
    } else {
      const path = resolve(ctx.cwd, destination.path ?? defaultDumpFile(stack, format, ctx.clock.now()));
      const output = await dumpOutput(path);
      try {
        bytes = await dumpThrough(ctx, db, format, output.stream);
        await output.commit();
      } catch (error) {
        await output.discard();
        throw fileFailure(error, path, false);
      }
      file = shownPath(ctx.cwd, path);
    }
    ctx.emit({
      type: 'database.dumped',
      stack,
      database: db.name,
      file,
      format,
      bytes,
      durationMs: ctx.clock.now() - started,
    });
  });
}
