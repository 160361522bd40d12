/**
 * `devenv db snapshot save|restore|ls|rm`: named copies of the stack's
 * database, kept as template databases in the stack's own Postgres server
 * (core/snapshot/snapshot-sql.ts has the statements and why). A snapshot
 * belongs to the stack (core/snapshot/snapshot-names.ts) and lives in its data
 * directory, so `down -v` and gc take it with the stack.
 *
 * Restore is a rename of a ready copy made ahead of time: milliseconds,
 * whatever the size. After a save or a restore, `refillSnapshots` (run by a
 * detached devenv process: cli/commands/db-snapshot.ts) clones a new ready
 * copy and drops what the restore set aside. Save, restore and rm run under
 * the stack's lock (app/stack-lock.ts), so they never interleave with each
 * other or with `up`/`down`; the refill does not need it (see there).
 */
import { randomBytes } from 'node:crypto';
import type { SqlSession } from '../../contracts/sql-session.js';
import { DevenvError } from '../../core/errors.js';
import {
  checkSnapshotName,
  scratchDatabase,
  snapshotComment,
  snapshotDatabases,
  snapshotListing,
  trashDatabase,
  type SnapshotInfo,
  type SnapshotListing,
} from '../../core/snapshot/snapshot-names.js';
import {
  databaseOwner,
  listSnapshotDatabases,
  refillPlan,
  removePlan,
  restorePlan,
  savePlan,
  sweepPlan,
} from '../../core/snapshot/snapshot-sql.js';
import { SqlError } from '../../core/testdb/sql-error.js';
import type { AppContext } from '../context.js';
import { withStackLock } from '../stack-lock.js';
import type { StackOptions } from '../stack-target.js';
import { resolveSnapshotTarget, withSnapshotServer, type SnapshotServer } from './snapshot-server.js';

export interface SnapshotOptions {
  /** Random parts of scratch names (injectable for tests). */
  randomId?: () => string;
}

function randomPart(options: SnapshotOptions): string {
  return options.randomId?.() ?? randomBytes(4).toString('hex');
}

function sqlFailure(action: string, error: unknown): DevenvError {
  if (error instanceof DevenvError) return error;
  const detail = error instanceof SqlError ? error.output.trim().split('\n').slice(-10) : [];
  return new DevenvError(
    'DATABASE_ERROR',
    `Could not ${action}: ${error instanceof Error ? error.message : String(error)}`,
    {
      hint: 'Check the stack with `devenv ls` and the database logs with `devenv logs <database service>`.',
      details: detail,
      cause: error,
    },
  );
}

async function run(session: SqlSession, action: string, statements: readonly string[]): Promise<string[][]> {
  if (statements.length === 0) return [];
  try {
    return await session.run(statements);
  } catch (error) {
    throw sqlFailure(action, error);
  }
}

/** `session`: another than the server's own, once that one may have been ended (a change to `postgres`). */
async function listing(server: SnapshotServer, session = server.session): Promise<SnapshotListing> {
  const rows = await run(session, 'list the snapshots', [listSnapshotDatabases]);
  return snapshotListing(rows, server.stack, server.database);
}

async function ownerOf(
  server: SnapshotServer,
  database: string,
  session = server.session,
): Promise<string | undefined> {
  const rows = await run(session, `look up database ${database}`, [databaseOwner(database)]);
  return rows[0]?.[0];
}

function unknownSnapshot(name: string, stack: string, existing: readonly SnapshotInfo[]): DevenvError {
  const names = existing.map((s) => s.name);
  return new DevenvError('SNAPSHOT_NOT_FOUND', `Stack ${stack} has no snapshot "${name}".`, {
    hint:
      names.length === 0
        ? 'It has no snapshots at all: take one with `devenv db snapshot save NAME`.'
        : `Its snapshots: ${names.join(', ')}.`,
  });
}

function found(list: SnapshotListing, name: string, stack: string): SnapshotInfo {
  const snapshot = list.snapshots.find((s) => s.name === name);
  if (!snapshot) throw unknownSnapshot(name, stack, list.snapshots);
  return snapshot;
}

/**
 * Runs `change` on the stack's server under the stack's lock. `check` runs
 * first, without the lock, so a request that cannot succeed (an unknown name)
 * fails at once instead of after waiting for another devenv process changing
 * the stack; `change` checks again under the lock.
 */
async function changeOnServer<T>(
  ctx: AppContext,
  options: StackOptions,
  check: (server: SnapshotServer, list: SnapshotListing) => void,
  change: (server: SnapshotServer) => Promise<T>,
): Promise<T> {
  const resolved = await resolveSnapshotTarget(ctx, options);
  return withSnapshotServer(ctx, options, resolved, async (server) => {
    check(server, await listing(server));
    return withStackLock(ctx, server.stack, () => change(server));
  });
}

export interface SaveRequest {
  name: string;
  /** The database to take it of (default: the stack's database). */
  database?: string;
  /** Replace a snapshot of that name. */
  force?: boolean;
}

export interface SnapshotListResult {
  stack: string;
  /** The database snapshots are taken of by default. */
  database: string;
  snapshots: SnapshotInfo[];
}

export async function saveSnapshot(
  ctx: AppContext,
  options: StackOptions,
  request: SaveRequest,
  settings: SnapshotOptions = {},
): Promise<SnapshotInfo> {
  const name = checkSnapshotName(request.name);
  const checkFree = (server: SnapshotServer, list: SnapshotListing) => {
    const existing = list.snapshots.find((s) => s.name === name);
    if (existing && !request.force)
      throw new DevenvError(
        'SNAPSHOT_EXISTS',
        `Stack ${server.stack} already has a snapshot "${name}"${existing.createdAt ? ` (taken ${existing.createdAt} of ${existing.database})` : ''}.`,
        { hint: 'Pass --force to replace it, or choose another name.' },
      );
    return existing;
  };
  return changeOnServer(ctx, options, checkFree, async (server) => {
    const existing = checkFree(server, await listing(server));
    const source = request.database ?? server.database;
    const owner = await ownerOf(server, source);
    if (owner === undefined)
      throw new DevenvError(
        'DATABASE_ERROR',
        `The stack's Postgres (service "${server.service}") has no database "${source}" to take a snapshot of.`,
        { hint: 'Name the database with --database NAME.' },
      );
    const { snapshot, ready } = snapshotDatabases(server.stack, name);
    const createdAt = new Date(ctx.clock.now()).toISOString();
    const plan = savePlan({
      source,
      snapshot,
      ready,
      scratch: scratchDatabase(server.stack, randomPart(settings)),
      comment: snapshotComment({ name, stack: server.stack, database: source, owner, createdAt }),
    });
    const session = await server.sessionFor(source);
    const started = ctx.clock.now();
    try {
      await run(session, `close database ${source} for the snapshot`, plan.close);
      await run(session, `copy database ${source}`, plan.copy);
    } finally {
      await session.run(plan.reopen).catch(() => undefined);
    }
    await run(session, `store snapshot ${name}`, plan.finish);
    const saved = found(await listing(server, session), name, server.stack);
    ctx.emit({
      type: 'snapshot.saved',
      stack: server.stack,
      snapshot: name,
      database: source,
      sizeBytes: saved.sizeBytes,
      durationMs: ctx.clock.now() - started,
      replaced: existing !== undefined,
    });
    return saved;
  });
}

export interface RestoreResult {
  snapshot: string;
  database: string;
  durationMs: number;
  via: 'ready-copy' | 'clone';
}

export async function restoreSnapshot(
  ctx: AppContext,
  options: StackOptions,
  request: { name: string },
  settings: SnapshotOptions = {},
): Promise<RestoreResult> {
  const name = checkSnapshotName(request.name);
  const exists = (server: SnapshotServer, list: SnapshotListing) => found(list, name, server.stack);
  return changeOnServer(ctx, options, exists, async (server) => {
    const snapshotInfo = exists(server, await listing(server));
    const target = snapshotInfo.database;
    const { snapshot, ready } = snapshotDatabases(server.stack, name);
    const owner = await ownerOf(server, target);
    const plan = restorePlan({
      target,
      targetExists: owner !== undefined,
      snapshot,
      ready,
      readyExists: snapshotInfo.ready,
      trash: trashDatabase(server.stack, randomPart(settings)),
      owner: owner ?? snapshotInfo.owner,
    });
    const session = await server.sessionFor(target);
    const started = ctx.clock.now();
    try {
      await run(session, `clone snapshot ${name}`, plan.prepare);
    } catch (error) {
      // A refill may have made the ready copy meanwhile: then it is there to rename.
      if ((await ownerOf(server, ready, session).catch(() => undefined)) === undefined) throw error;
    }
    try {
      // One round trip (one exec where psql in the container runs them), one transaction.
      await run(session, `restore snapshot ${name} into ${target}`, plan.swap);
    } catch (error) {
      // Nothing changed; a connection that stays open leaves its failed transaction.
      await session.run(plan.abort).catch(() => undefined);
      throw error;
    }
    const result = { snapshot: name, database: target, durationMs: ctx.clock.now() - started, via: plan.via };
    ctx.emit({ type: 'snapshot.restored', stack: server.stack, ...result });
    return result;
  });
}

export async function listSnapshots(ctx: AppContext, options: StackOptions): Promise<SnapshotListResult> {
  const resolved = await resolveSnapshotTarget(ctx, options);
  return withSnapshotServer(ctx, options, resolved, async (server) => ({
    stack: server.stack,
    database: server.database,
    snapshots: (await listing(server)).snapshots,
  }));
}

export async function removeSnapshot(
  ctx: AppContext,
  options: StackOptions,
  request: { name: string },
): Promise<void> {
  const name = checkSnapshotName(request.name);
  const exists = (server: SnapshotServer, list: SnapshotListing) => found(list, name, server.stack);
  await changeOnServer(ctx, options, exists, async (server) => {
    exists(server, await listing(server));
    await run(server.session, `remove snapshot ${name}`, removePlan(snapshotDatabases(server.stack, name)));
    ctx.emit({ type: 'snapshot.removed', stack: server.stack, snapshot: name });
  });
}

/**
 * The background half of save and restore: gives every snapshot without one a
 * ready copy, then drops what restores set aside. Neither needs the stack's
 * lock: nobody else touches a snapshot's ready copy while it is made (a save
 * or rm drops the snapshot before its copy, and that drop waits for the
 * clone), and what a restore set aside is not wanted by anyone. Copies of
 * saves that did not finish are dropped only when the lock is free at once
 * (a save holding it may be about to rename its copy). Returns how many ready
 * copies it made.
 */
export async function refillSnapshots(ctx: AppContext, options: StackOptions): Promise<number> {
  const resolved = await resolveSnapshotTarget(ctx, options);
  return withSnapshotServer(ctx, options, resolved, async (server) => {
    const list = await listing(server);
    let made = 0;
    for (const snapshot of list.snapshots.filter((s) => !s.ready)) {
      const names = snapshotDatabases(server.stack, snapshot.name);
      // A failed copy (another refill made it first, the snapshot was just removed) is no one's problem:
      // the next restore clones.
      const copied = await server.session
        .run(refillPlan({ ...names, ...(snapshot.owner ? { owner: snapshot.owner } : {}) }))
        .then(
          () => true,
          () => false,
        );
      if (copied) made += 1;
    }
    await sweep(server, [...list.trash, ...list.strayReady]);
    if (list.scratch.length > 0)
      await withStackLock(ctx, server.stack, () => sweep(server, list.scratch), { waitMs: 0 }).catch(
        () => undefined,
      );
    return made;
  });
}

async function sweep(server: SnapshotServer, databases: readonly string[]): Promise<void> {
  for (const statement of sweepPlan(databases)) await server.session.run([statement]).catch(() => undefined);
}
