/**
 * "Migrate once, clone many": integration runs start from a known database,
 * fast. The template (devenv_tpl_<key12>) is built once per key by running the
 * project's migrate and seed commands on the host against a scratch database
 * in the stack's Postgres; each run gets its own copy
 * (CREATE DATABASE copy TEMPLATE template) exported as `database.urlEnv`.
 *
 * A pool of ready copies (core/testdb/copy-pool.ts, `poolSize`) makes a lease
 * with unchanged files one rename (a few ms) instead of a clone (a few hundred
 * ms with fsync on): copies of the current key's template are made in the
 * background after each lease, renamed to the run's name when taken, and
 * dropped when the key changes or the provider closes. A spare empty database
 * is kept too, so a rebuild after a migration edit starts without a CREATE.
 * The background work (refills, drops, sweeps) runs on its own session, one
 * statement at a time, and starts nothing while a lease is in progress, so it
 * never delays one.
 *
 * Correctness: a pooled copy is handed out only for the key the lease computed
 * (the template it was cloned from is named by that key), and a copy leaves
 * the pool before the lease awaits anything, so two leases never get the same
 * one.
 *
 * Concurrency between processes: the template is built under a private name
 * and renamed into place, so two processes building the same key never see a
 * half-built template (the loser of the rename drops its build); copies,
 * pooled or leased, have names that carry host, pid and creation time, so
 * those of crashed processes are dropped by whichever process looks next.
 */
import { randomBytes } from 'node:crypto';
import type { SqlSession } from '../../contracts/sql-session.js';
import type { StackBackend } from '../../contracts/stack-backend.js';
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import { DevenvError } from '../../core/errors.js';
import { CopyPool } from '../../core/testdb/copy-pool.js';
import {
  buildName,
  copyName,
  hostTag,
  staleDatabases,
  templateName,
  type Owner,
} from '../../core/testdb/database-names.js';
import {
  createCopy,
  createEmptyDatabase,
  dropDatabase,
  listDevenvDatabases,
  promoteBuild,
  renameDatabase,
} from '../../core/testdb/sql.js';
import { isDuplicateDatabase, isMissingDatabase, SqlError } from '../../core/testdb/sql-error.js';
import { templateInputs, templateKey } from '../../core/testdb/template-key.js';
import type { AppContext } from '../context.js';
import type { StackTarget } from '../stack-target.js';
import type { TestDatabaseLease, TestDatabaseProvider } from '../../contracts/test-database.js';
import { runSeedSqlFiles } from '../database/seed-sql-files.js';
import { templateInputFiles } from './template-inputs.js';
import { databaseConnector, type DatabaseConnection } from './template-connection.js';

export type DatabaseSettings = NonNullable<DevenvConfig['database']>;

export interface TemplateDatabaseOptions {
  /** The running stack whose Postgres holds the template and the copies. */
  target: StackTarget;
  /** devenv.yaml `database:`. */
  database: DatabaseSettings;
  /** Defaults to ctx.backend(). */
  backend?: StackBackend;
  /** Where migrate and seed run and inputs are found (default: the compose project's directory). */
  projectDir?: string;
  /** Copies and builds of other hosts, or of reused pids, are dropped after this age (default 24 h). */
  staleAfterMs?: number;
  /**
   * Ready copies kept per template, refilled in the background (default 2).
   * 0: every lease clones, nothing is made ahead (one-off runs).
   */
  poolSize?: number;
  /** Random suffixes of database names (injectable for tests). */
  randomId?: () => string;
}

/** A lease of the template provider: the copy's name too, and a way to keep it. */
export interface TemplateDatabaseLease extends TestDatabaseLease {
  /** The copy's database name. */
  database: string;
  /** The copy is the caller's from now on: neither release() nor close() drops it (`devenv db reset` renames it). */
  keep(): void;
}

export interface TemplateDatabaseProvider extends TestDatabaseProvider {
  lease(runId: string, signal: AbortSignal): Promise<TemplateDatabaseLease>;
  /** How many templates this provider built (a reused template does not count). */
  readonly builds: number;
  /** Resolves when the background work queued so far (refills, drops, sweeps) is done. */
  settled(): Promise<void>;
  /** Ready copies (of any key) and clones in progress. */
  pooled(): { ready: number; filling: number };
}

export const DEFAULT_POOL_SIZE = 2;
const DAY_MS = 24 * 60 * 60 * 1000;

function abortError(): DevenvError {
  return new DevenvError('INTERRUPTED', 'The test database lease was cancelled.');
}

function closedError(): DevenvError {
  return new DevenvError('INTERRUPTED', 'The test databases were closed.');
}

const HINT = 'Check the stack with `devenv ls` and the database logs with `devenv logs <database service>`.';

function sqlFailure(action: string, error: unknown): DevenvError {
  if (error instanceof DevenvError) return error;
  const detail = error instanceof SqlError ? error.output.trim().split('\n').slice(-10) : [];
  return new DevenvError(
    'DATABASE_ERROR',
    `Could not ${action}: ${error instanceof Error ? error.message : String(error)}`,
    { hint: HINT, details: detail, cause: error },
  );
}

/** The admin session itself was lost (server restart, container recreated): worth one more try on a new one. */
function connectionLost(error: unknown): boolean {
  const sql = error instanceof DevenvError ? error.cause : error;
  return sql instanceof SqlError && sql.connectionLost;
}

function firstColumn(rows: readonly string[][]): string[] {
  return rows.flatMap((row) => (row[0] === undefined || row[0] === '' ? [] : [row[0]]));
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A database to drop in the background; `done` is told how it went (release waits for it). */
interface PendingDrop {
  name: string;
  /** Why, for an info event (stale databases of other processes). */
  reason?: string;
  done?: Deferred<unknown>;
}

export function createTemplateDatabaseProvider(
  ctx: AppContext,
  options: TemplateDatabaseOptions,
): TemplateDatabaseProvider {
  const { target, database } = options;
  const projectDir = options.projectDir ?? target.project.workingDir;
  const urlEnv = database.urlEnv || 'DATABASE_URL';
  const randomId = options.randomId ?? (() => randomBytes(3).toString('hex'));
  const self = { hostTag: hostTag(ctx.host.hostname), pid: ctx.host.pid };
  const staleAfterMs = options.staleAfterMs ?? DAY_MS;
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  /** Another process drops our copies after staleAfterMs: hand none out past half of it. */
  const maxPooledAgeMs = staleAfterMs / 2;

  let key: Promise<string> | undefined;
  let sweptOnce = false;
  const building = new Map<string, Promise<void>>();
  let builds = 0;
  let closed = false;

  const pool = new CopyPool(poolSize);
  /** Leases waiting for a clone in progress: its name once made, undefined when it failed. */
  const claims = new Map<string, Deferred<string | undefined>>();
  /** Copies handed out and not released yet (dropped at close). */
  const leased = new Set<string>();
  /** An empty database (from template0) a build renames instead of creating one. */
  let spare: string | undefined;
  let wantSpare = false;
  const drops: PendingDrop[] = [];
  /**
   * The newest built template, whose templates of other keys are to be dropped. One at most: an
   * older one still waiting (refills go first, so it can wait through several leases) would take
   * the newer template for another key's and drop it.
   */
  let sweep: string | undefined;
  /** The connection the background work uses: the latest a lease made. */
  let latest: DatabaseConnection | undefined;
  let worker: Promise<void> | undefined;
  let leasesInProgress = 0;
  let foregroundIdle: Deferred<void> | undefined;

  const owner = (): Owner => ({ ...self, createdAt: ctx.clock.now() });
  const connector = databaseConnector(ctx, {
    target,
    database,
    urlEnv,
    ...(options.backend ? { backend: options.backend } : {}),
  });

  async function computeKey(): Promise<string> {
    // The seed's SQL files are inputs whatever database.inputs says.
    const files = await templateInputFiles(projectDir, [
      ...templateInputs(database.inputs),
      ...(database.seedSql ?? []),
    ]);
    return templateKey({
      files,
      migrate: database.migrate,
      seed: database.seedSql
        ? JSON.stringify({ command: database.seed, sql: database.seedSql })
        : database.seed,
    });
  }

  /** The key, computed on the first lease and again after invalidate(). */
  async function currentKey(): Promise<string> {
    const pending = (key ??= computeKey());
    try {
      return await pending;
    } catch (error) {
      if (key === pending) key = undefined;
      throw error;
    }
  }

  // ---- background work: refills, a spare, sweeps, drops; one statement at a time, never during a lease

  /** The next piece of background work, taken off its queue: refills first, then the spare, sweeps, drops. */
  function nextTask(take: boolean): (() => Promise<void>) | undefined {
    const session = latest?.background;
    if (!session) return undefined;
    const wanted = pool.wanted();
    if (wanted) return () => fill(session, wanted.key);
    if (wantSpare && spare === undefined && !closed) return () => makeSpare(session);
    if (sweep !== undefined) {
      const template = sweep;
      if (take) sweep = undefined;
      return () => sweepStale(session, template);
    }
    if (drops.length > 0) {
      const drop = take ? drops.shift()! : drops[0]!;
      return () => dropNow(session, drop);
    }
    return undefined;
  }

  function kick(): void {
    if (worker || !nextTask(false)) return;
    worker = work().finally(() => {
      worker = undefined;
      kick();
    });
  }

  async function waitForegroundIdle(): Promise<void> {
    while (leasesInProgress > 0) await (foregroundIdle ??= deferred<void>()).promise;
  }

  /** The server restarted since the last lease: connect again for the work queued (drops above all). */
  async function reconnectBackground(): Promise<void> {
    if (closed || !latest || latest.via !== 'wire' || latest.background.open) return;
    latest = await connector.connect().catch(() => latest);
  }

  /** Every task ends by itself (a failed refill or spare stops asking for more), so this loop ends. */
  async function work(): Promise<void> {
    for (;;) {
      await waitForegroundIdle();
      await reconnectBackground();
      const task = nextTask(true);
      if (!task) return;
      await task();
    }
  }

  async function fill(session: SqlSession, fillKey: string): Promise<void> {
    const name = copyName(owner(), randomId(), 'pool');
    pool.fillStarted({ name, key: fillKey, createdAt: ctx.clock.now() });
    try {
      await session.run(createCopy(name, templateName(fillKey)));
    } catch (error) {
      // The template is gone or the session lost: the next lease clones (and builds) itself.
      const { claimed } = pool.fillFailed(name);
      if (claimed) settleClaim(name, undefined);
      if (error instanceof SqlError && error.connectionLost) drops.push({ name });
      return;
    }
    const outcome = pool.fillDone(name);
    if (outcome === 'claimed') settleClaim(name, name);
    else if (outcome === 'drop') drops.push({ name });
  }

  function settleClaim(fillName: string, made: string | undefined): void {
    const claim = claims.get(fillName);
    claims.delete(fillName);
    claim?.resolve(made);
  }

  async function makeSpare(session: SqlSession): Promise<void> {
    const name = copyName(owner(), randomId(), 'spare');
    try {
      await session.run(createEmptyDatabase(name));
    } catch {
      wantSpare = false; // builds create their scratch database themselves
      return;
    }
    if (closed || spare !== undefined) drops.push({ name });
    else spare = name;
  }

  async function sweepStale(session: SqlSession, currentTemplate: string): Promise<void> {
    const names = firstColumn(await session.run([listDevenvDatabases]).catch(() => []));
    queueStale(names, currentTemplate);
  }

  function queueStale(names: readonly string[], currentTemplate?: string): void {
    const stale = staleDatabases(names, {
      self,
      isProcessAlive: (pid) => ctx.host.isProcessAlive(pid),
      now: ctx.clock.now(),
      staleAfterMs,
      ...(currentTemplate !== undefined ? { currentTemplate } : {}),
    });
    for (const { name, reason } of stale) drops.push({ name, reason });
  }

  async function dropNow(session: SqlSession, drop: PendingDrop): Promise<void> {
    try {
      await session.run(dropDatabase(drop.name));
      if (drop.reason)
        ctx.emit({ type: 'info', message: `test database: dropped ${drop.name} (${drop.reason})` });
      drop.done?.resolve(undefined);
    } catch (error) {
      // Another process may be dropping the same stale database: not our failure; release is told.
      drop.done?.resolve(error);
    }
  }

  /** Drops in the background; resolves when done, rejects with a DATABASE_ERROR when the drop failed. */
  async function dropAndWait(name: string): Promise<void> {
    const done = deferred<unknown>();
    drops.push({ name, done });
    kick();
    const error = await done.promise;
    if (error !== undefined) throw sqlFailure(`drop the test database ${name}`, error);
  }

  // ---- the lease path

  async function runCommand(
    kind: 'migrate' | 'seed',
    command: string,
    env: Record<string, string | undefined>,
    signal: AbortSignal,
  ): Promise<void> {
    const ended = await ctx.runCommand({
      label: `The test database's ${kind} command`,
      command,
      cwd: projectDir,
      env,
      signal,
      hint: `Fix it and save: the template is rebuilt on the next run. It runs in ${projectDir} with ${urlEnv} pointing at a scratch database.`,
    });
    if (ended === 'aborted') throw abortError();
  }

  /** The scratch database of a build: the spare renamed (no CREATE to wait for), or a new one. */
  async function createScratch(connection: DatabaseConnection, scratch: string): Promise<void> {
    const ready = spare;
    spare = undefined;
    if (ready !== undefined) {
      try {
        await connection.admin.run([renameDatabase(ready, scratch)]);
        return;
      } catch (error) {
        if (!isMissingDatabase(error, ready)) drops.push({ name: ready });
        if (error instanceof SqlError && error.connectionLost)
          throw sqlFailure('rename the spare database', error);
      }
    }
    await connection.admin.run(createEmptyDatabase(scratch)).catch((error: unknown) => {
      throw sqlFailure(`create the scratch database ${scratch}`, error);
    });
  }

  async function buildTemplate(
    connection: DatabaseConnection,
    fullKey: string,
    template: string,
    signal: AbortSignal,
  ): Promise<void> {
    const started = ctx.clock.now();
    const scratch = buildName(fullKey, owner(), randomId());
    ctx.emit({ type: 'info', message: `test database: building template ${template} (inputs changed)` });
    await createScratch(connection, scratch);
    let promoted = false;
    try {
      const env = { ...ctx.env, ...connection.stackEnv, [urlEnv]: connection.urlFor(scratch) };
      if (database.migrate) await runCommand('migrate', database.migrate, env, signal);
      if (database.seed) await runCommand('seed', database.seed, env, signal);
      if (database.seedSql)
        await runSeedSqlFiles(connection, { projectDir, globs: database.seedSql, database: scratch, signal });
      const comment = `devenv test database template; key ${fullKey}; built ${new Date(ctx.clock.now()).toISOString()}`;
      try {
        await connection.admin.run(promoteBuild(scratch, template, comment));
        promoted = true;
        builds++;
      } catch (error) {
        // Another process finished the same key first: use theirs.
        if (!isDuplicateDatabase(error)) throw sqlFailure(`rename ${scratch} to ${template}`, error);
      }
    } finally {
      if (!promoted) await connection.admin.run(dropDatabase(scratch)).catch(() => undefined);
    }
    if (promoted) {
      const durationMs = ctx.clock.now() - started;
      ctx.emit({ type: 'info', message: `test database: template ${template} ready in ${durationMs} ms` });
      ctx.emit({ type: 'test.database.ready', template, outcome: 'built', durationMs });
      // Templates of other keys are dropped in the background, after this lease (see `sweep`).
      sweep = template;
    }
  }

  /** One build per key at a time in this process; other processes are handled by the rename. */
  function ensureTemplate(
    connection: DatabaseConnection,
    fullKey: string,
    template: string,
    signal: AbortSignal,
  ): Promise<void> {
    let pending = building.get(template);
    if (!pending) {
      pending = buildTemplate(connection, fullKey, template, signal).finally(() => building.delete(template));
      building.set(template, pending);
    }
    return pending;
  }

  async function cloneTemplate(
    connection: DatabaseConnection,
    copy: string,
    template: string,
  ): Promise<'ok' | 'missing'> {
    try {
      await connection.admin.run(createCopy(copy, template));
      return 'ok';
    } catch (error) {
      if (isMissingDatabase(error, template)) return 'missing';
      throw sqlFailure(`copy ${template} into ${copy}`, error);
    }
  }

  /** A pooled copy of fullKey's template renamed to the run's name, or undefined when none is ready. */
  async function takeReady(
    connection: DatabaseConnection,
    fullKey: string,
    runId: string,
  ): Promise<string | undefined> {
    for (;;) {
      const { copy, discard } = pool.take(fullKey, ctx.clock.now() - maxPooledAgeMs);
      drops.push(...discard.map((old) => ({ name: old.name })));
      if (!copy) return undefined;
      const name = await renamePooled(connection, copy.name, runId);
      if (name !== undefined) return name;
    }
  }

  /** The run's name for a pooled copy, or undefined when the copy is unusable (gone: another process swept it). */
  async function renamePooled(
    connection: DatabaseConnection,
    pooled: string,
    runId: string,
  ): Promise<string | undefined> {
    const name = copyName(owner(), randomId(), runId);
    try {
      await connection.admin.run([renameDatabase(pooled, name)]);
      return name;
    } catch (error) {
      if (!isMissingDatabase(error, pooled)) drops.push({ name: pooled });
      if (error instanceof SqlError && error.connectionLost)
        throw sqlFailure(`rename the test database ${pooled}`, error);
      return undefined;
    }
  }

  /** A clone of fullKey's template already in progress, claimed by this lease, renamed to the run's name. */
  async function claimFilling(
    connection: DatabaseConnection,
    fullKey: string,
    runId: string,
  ): Promise<string | undefined> {
    const filling = pool.claim(fullKey);
    if (filling === undefined) return undefined;
    const claim = deferred<string | undefined>();
    claims.set(filling, claim);
    const made = await claim.promise;
    return made === undefined ? undefined : renamePooled(connection, made, runId);
  }

  /**
   * A copy of the current key's template for the run: a ready one, else a
   * clone in progress, else a new clone; the template is built first when it
   * is missing (from a key computed anew: the files may have changed since).
   */
  async function copyForRun(
    connection: DatabaseConnection,
    runId: string,
    signal: AbortSignal,
  ): Promise<{ name: string; key: string }> {
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw abortError();
      const fullKey = await currentKey();
      const template = templateName(fullKey);
      const ready =
        (await takeReady(connection, fullKey, runId)) ?? (await claimFilling(connection, fullKey, runId));
      if (ready !== undefined) return { name: ready, key: fullKey };
      const copy = copyName(owner(), randomId(), runId);
      if ((await cloneTemplate(connection, copy, template)) === 'ok') return { name: copy, key: fullKey };
      if (attempt >= 2)
        throw new DevenvError(
          'DATABASE_ERROR',
          `The test database template ${template} keeps disappearing.`,
          {
            hint: 'Another devenv process with different migrations uses the same stack; give it its own branch (--branch).',
          },
        );
      key = undefined;
      const built = await currentKey();
      await ensureTemplate(connection, built, templateName(built), signal).catch((error: unknown) => {
        // A shared build cancelled by another lease's signal: this lease builds again.
        if (!(error instanceof DevenvError && error.code === 'INTERRUPTED' && !signal.aborted)) throw error;
      });
    }
  }

  async function leaseOnce(runId: string, signal: AbortSignal): Promise<TemplateDatabaseLease> {
    const connection = await connector.connect();
    latest = connection;
    if (!sweptOnce) {
      const names = await connection.admin.run([listDevenvDatabases]).catch((error: unknown) => {
        throw sqlFailure('list the test databases', error);
      });
      sweptOnce = true;
      queueStale(firstColumn(names));
    }
    const copy = await copyForRun(connection, runId, signal);
    // Its template exists: keep copies of it ready from now on.
    pool.activate(copy.key);
    if (poolSize > 0) wantSpare = true;
    return handOut(connection, copy.name, signal);
  }

  function handOut(connection: DatabaseConnection, name: string, signal: AbortSignal): TemplateDatabaseLease {
    leased.add(name);
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      if (!leased.delete(name)) return; // close() dropped it
      await dropAndWait(name);
    };
    if (signal.aborted || closed) {
      // Dropped after this lease ends (the background waits for leases in progress).
      released = true;
      leased.delete(name);
      drops.push({ name });
      throw closed ? closedError() : abortError();
    }
    const keep = () => {
      released = true;
      leased.delete(name);
    };
    return { env: { [urlEnv]: connection.urlFor(name) }, release, database: name, keep };
  }

  async function settled(): Promise<void> {
    while (worker) await worker;
  }

  return {
    get builds() {
      return builds;
    },

    invalidate() {
      key = undefined;
      pool.pause();
    },

    async lease(runId: string, signal: AbortSignal): Promise<TemplateDatabaseLease> {
      if (signal.aborted) throw abortError();
      if (closed) throw closedError();
      leasesInProgress++;
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            return await leaseOnce(runId, signal);
          } catch (error) {
            if (attempt > 0 || !connectionLost(error)) throw error;
            await connector.reset();
          }
        }
      } finally {
        leasesInProgress--;
        if (leasesInProgress === 0) {
          foregroundIdle?.resolve();
          foregroundIdle = undefined;
        }
        kick();
      }
    },

    async close() {
      if (closed) return;
      closed = true;
      // A lease in progress ends first: what it made is dropped with the rest.
      await waitForegroundIdle();
      for (const copy of pool.close()) drops.push({ name: copy.name });
      if (spare !== undefined) drops.push({ name: spare });
      spare = undefined;
      for (const name of leased) drops.push({ name });
      leased.clear();
      kick();
      await settled();
      await connector.close();
    },

    settled,

    pooled() {
      return pool.counts();
    },
  };
}
