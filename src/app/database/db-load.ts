/**
 * `devenv db load FILE`: a dump into the stack's database. The file's first
 * bytes say how to load it (custom: pg_restore; plain: psql). Outside prod
 * the dump must carry devenv's anonymization stamp, read before anything is
 * loaded (app/database/dump-stamp.ts), unless the user says it holds no
 * production data. The dump is streamed through the engine into a new
 * database, which takes the stack's database's place only when the load
 * succeeded; a failed or interrupted load leaves the stack's database as it
 * was and drops the new one.
 */
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { AnonymizationStamp } from '../../core/data/anonymization-stamp.js';
import {
  createsDatabase,
  detectDumpFormat,
  DUMP_HEAD_BYTES,
  type DumpFormat,
} from '../../core/data/dump-format.js';
import { loadCommand } from '../../core/data/pg-commands.js';
import { DevenvError } from '../../core/errors.js';
import type { AppContext } from '../context.js';
import { withStackLock } from '../stack-lock.js';
import type { StackOptions } from '../stack-target.js';
import { dumpFileSize, fileFailure, readDump, readHead, shownPath } from './dump-file.js';
import { readDumpStamp } from './dump-stamp.js';
import { runPgTool } from './pg-tool.js';
import { progressMeter } from './progress-meter.js';
import { createScratch, refuseSystemDatabase } from './scratch-database.js';
import { withStackDatabase, type StackDatabase } from './stack-database.js';
import { dropQuietly, swapIntoPlace } from './swap-database.js';

/** The one environment whose data is production data, where no stamp is asked for. */
const PRODUCTION = 'prod';

export const NOT_PRODUCTION_DATA_FLAG = '--i-know-this-is-not-production-data';

export interface LoadOptions {
  stack: StackOptions;
  /** The dump, relative to the working directory. */
  file: string;
  /** The user says the dump holds no production data: its stamp is not checked. */
  notProductionData: boolean;
}

async function dumpFormat(path: string, file: string): Promise<DumpFormat> {
  const head = await readHead(path, DUMP_HEAD_BYTES).catch((error: unknown) => {
    throw fileFailure(error, file, true);
  });
  const detected = detectDumpFormat(head);
  if (detected.format === 'unknown')
    throw new DevenvError('DUMP_INVALID', `${file} is not a dump devenv can load: ${detected.reason}.`, {
      hint: 'Load a dump made by `devenv db dump` (or pg_dump --format custom or plain).',
    });
  if (detected.format === 'plain' && createsDatabase(head.toString('utf8')))
    throw new DevenvError(
      'DUMP_INVALID',
      `${file} creates and connects to a database of its own (pg_dump --create): loaded, it would not go into the stack's database.`,
      { hint: 'Dump again without --create (`devenv db dump` never adds it), or use --format custom.' },
    );
  return detected.format;
}

/** The dump's stamp when it must have one (and does); throws DUMP_NOT_ANONYMIZED when it does not. */
async function requireStamp(
  ctx: AppContext,
  db: StackDatabase,
  path: string,
  file: string,
  format: DumpFormat,
): Promise<AnonymizationStamp> {
  const reading = await readDumpStamp(ctx, db, path, file, format);
  if (reading.status === 'stamped') return reading.stamp;
  const environment = db.target.environment.name;
  const why =
    reading.status === 'absent'
      ? 'has no devenv anonymization stamp'
      : `has a devenv_anonymization.stamp table that devenv does not accept (${reading.reason})`;
  throw new DevenvError(
    'DUMP_NOT_ANONYMIZED',
    `${file} ${why}, so it may hold production data; environment "${environment}" is not ${PRODUCTION}, and nothing was loaded.`,
    {
      hint: `Anonymize it first: \`devenv db anonymize --from ${file} --rules anonymize.yaml --out ${anonymizedName(file)}\`, then load that. If this dump holds no production data, pass ${NOT_PRODUCTION_DATA_FLAG}.`,
    },
  );
}

/** prod.dump -> prod.anonymized.dump */
function anonymizedName(file: string): string {
  const dot = file.lastIndexOf('.');
  return dot > file.lastIndexOf('/') && dot > 0
    ? `${file.slice(0, dot)}.anonymized${file.slice(dot)}`
    : `${file}.anonymized`;
}

/** Where load output goes: psql's notices and results, counted and dropped. */
function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });
}

async function loadInto(
  ctx: AppContext,
  db: StackDatabase,
  target: string,
  path: string,
  file: string,
  format: DumpFormat,
  size: number,
): Promise<number> {
  const source = readDump(path);
  const meter = progressMeter(ctx, 'load', size);
  source.on('error', (error) => meter.destroy(error));
  source.pipe(meter);
  try {
    await runPgTool(db, {
      label: `${format === 'custom' ? 'pg_restore' : 'psql'} of ${file}`,
      command: loadCommand(db.credentials, target, format),
      stdin: meter,
      stdout: discard(),
      signal: ctx.signal,
      hint: `Nothing was changed: the stack's database ${db.name} is as it was. The load ran in the container of "${db.settings.service}"; its messages are above.`,
      interrupted: `Nothing was loaded: database ${db.name} is as it was.`,
    });
    return meter.bytes;
  } catch (error) {
    throw fileFailure(error, file, true);
  } finally {
    source.destroy();
  }
}

export async function loadDatabase(ctx: AppContext, options: LoadOptions): Promise<void> {
  const started = ctx.clock.now();
  const path = resolve(ctx.cwd, options.file);
  const file = shownPath(ctx.cwd, path);
  const size = await dumpFileSize(path);
  const format = await dumpFormat(path, file);
  await withStackDatabase(ctx, options.stack, async (db) => {
    refuseSystemDatabase(db, 'db load');
    const production = db.target.environment.name === PRODUCTION;
    const stamp =
      production || options.notProductionData ? undefined : await requireStamp(ctx, db, path, file, format);
    const stack = db.target.identity.name;
    const bytes = await withStackLock(ctx, stack, async () => {
      const scratch = await createScratch(ctx, db, 'load');
      try {
        const loaded = await loadInto(ctx, db, scratch, path, file, format, size);
        await swapIntoPlace(ctx, db, scratch);
        return loaded;
      } catch (error) {
        await dropQuietly(ctx, db, scratch);
        throw error;
      }
    });
    ctx.emit({
      type: 'database.loaded',
      stack,
      database: db.name,
      file,
      format,
      bytes,
      ...(stamp ? { stamp } : { unchecked: production ? 'prod' : 'not-production-data' }),
      durationMs: ctx.clock.now() - started,
    });
  });
}
