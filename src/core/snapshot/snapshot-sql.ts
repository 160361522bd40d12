/**
 * What `devenv db snapshot` sends to the stack's Postgres, planned from what
 * the server holds, as lists of statements (each sent on its own: CREATE,
 * DROP and ALTER DATABASE ... RENAME run outside a transaction block).
 *
 * Save: close the database to new connections, end the open ones (a template
 * must have none while it is copied), CREATE DATABASE ... TEMPLATE it under a
 * scratch name, open the database again; then the copy becomes the snapshot
 * (closed to connections, its record in its comment), replacing an old one of
 * that name only now, so an interrupted save loses nothing.
 *
 * Restore: without a ready copy, the snapshot is cloned into one first; then,
 * in one transaction, the database is closed, its connections ended, it is
 * renamed aside and the ready copy renamed into its place (catalog updates:
 * milliseconds, whatever the size). ALTER DATABASE runs in a transaction
 * block (CREATE and DROP do not), so a restore interrupted anywhere (kill -9
 * of devenv, its connection lost) leaves either the old database, open, or
 * the snapshot's content: never no database, nor a closed one. The database
 * set aside is dropped and a new ready copy cloned afterwards, in the
 * background (refill).
 */
import { quoteIdent, quoteLiteral, terminateConnections } from '../testdb/sql.js';
import { SNAPSHOT_DATABASE_PATTERN } from './snapshot-names.js';

/** Name, size in bytes and comment of every snapshot database (of any stack: filter with snapshotListing). */
export const listSnapshotDatabases = `SELECT datname, pg_database_size(oid)::text, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname LIKE '${SNAPSHOT_DATABASE_PATTERN}' ORDER BY datname`;

/** The owner of a database: one row, or none when it does not exist. */
export function databaseOwner(database: string): string {
  return `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = ${quoteLiteral(database)}`;
}

function allowConnections(database: string, allow: boolean): string {
  return `ALTER DATABASE ${quoteIdent(database)} WITH ALLOW_CONNECTIONS ${allow}`;
}

function rename(from: string, to: string): string {
  return `ALTER DATABASE ${quoteIdent(from)} RENAME TO ${quoteIdent(to)}`;
}

function drop(database: string): string {
  return `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`;
}

function clone(database: string, template: string, owner: string | undefined): string {
  const owned = owner === undefined || owner === '' ? '' : ` OWNER ${quoteIdent(owner)}`;
  return `CREATE DATABASE ${quoteIdent(database)} TEMPLATE ${quoteIdent(template)}${owned}`;
}

export interface SavePlanInput {
  /** The database the snapshot is taken of. */
  source: string;
  /** The snapshot's database and its ready copy (dropped when they exist: --force). */
  snapshot: string;
  ready: string;
  /** The scratch name the copy is made under. */
  scratch: string;
  /** The snapshot's record (snapshotComment). */
  comment: string;
}

export interface SavePlan {
  /** Closes the source and ends its connections. */
  close: string[];
  /** Copies it under the scratch name. */
  copy: string[];
  /** Opens the source again: after copy, whether it worked or not. */
  reopen: string[];
  /** Makes the copy the snapshot, replacing one of that name. */
  finish: string[];
}

export function savePlan(input: SavePlanInput): SavePlan {
  return {
    close: [allowConnections(input.source, false), terminateConnections(input.source)],
    copy: [clone(input.scratch, input.source, undefined)],
    reopen: [allowConnections(input.source, true)],
    finish: [
      allowConnections(input.scratch, false),
      `COMMENT ON DATABASE ${quoteIdent(input.scratch)} IS ${quoteLiteral(input.comment)}`,
      // The snapshot before its ready copy: a refill cloning the old one finishes first, then its copy goes too.
      drop(input.snapshot),
      drop(input.ready),
      rename(input.scratch, input.snapshot),
    ],
  };
}

export interface RestoreState {
  /** The database restored (the one the snapshot was taken from). */
  target: string;
  targetExists: boolean;
  snapshot: string;
  /** The snapshot's ready copy: restore renames it into place. */
  ready: string;
  /** It exists (else the snapshot is cloned into that name first). */
  readyExists: boolean;
  /** Where the target goes aside. */
  trash: string;
  /** The target's owner, for a clone (a renamed ready copy already has it). */
  owner?: string;
}

export interface RestorePlan {
  /** Without a ready copy: the snapshot cloned into its ready copy's name first (empty with one). */
  prepare: string[];
  /**
   * One transaction: the target closed, its connections ended, renamed aside, and the ready copy
   * renamed into its place. All or nothing: a devenv killed half-way (its connection gone before
   * COMMIT) leaves the old database, open, under its name; never a missing or closed one.
   */
  swap: string[];
  /** After a failure inside the swap's transaction (on a connection that stays open). */
  abort: string[];
  via: 'ready-copy' | 'clone';
}

export function restorePlan(state: RestoreState): RestorePlan {
  const { target, trash, ready } = state;
  const via = state.readyExists ? 'ready-copy' : 'clone';
  return {
    prepare: state.readyExists ? [] : [clone(ready, state.snapshot, state.owner)],
    swap: state.targetExists
      ? [
          'BEGIN',
          allowConnections(target, false),
          terminateConnections(target),
          rename(target, trash),
          rename(ready, target),
          'COMMIT',
        ]
      : [rename(ready, target)],
    abort: state.targetExists ? ['ROLLBACK'] : [],
    via,
  };
}

/** A new ready copy of a snapshot (nobody connects to a snapshot, so nothing to end first). */
export function refillPlan(input: { snapshot: string; ready: string; owner?: string }): string[] {
  return [clone(input.ready, input.snapshot, input.owner)];
}

/** The snapshot, then its ready copy (see savePlan for the order). */
export function removePlan(input: { snapshot: string; ready: string }): string[] {
  return [drop(input.snapshot), drop(input.ready)];
}

/** Databases restores set aside, scratch copies of interrupted saves, ready copies left alone. */
export function sweepPlan(databases: readonly string[]): string[] {
  return databases.map(drop);
}
