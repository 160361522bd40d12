/**
 * Names of a stack's database snapshots (`devenv db snapshot`) in the stack's
 * Postgres server. A snapshot belongs to the stack it was taken in: every
 * database of it carries a tag of the stack's name, so a listing made for
 * another stack never shows it, even in a server both can reach (an external
 * volume shared by two stacks). The data lives in the stack's own data
 * directory, so it goes wherever that goes (`down -v`, gc of an ephemeral
 * stack).
 *
 *   devenv_snap_<stack8>_<name>   the snapshot: a template, closed to connections
 *   devenv_snapr_<stack8>_<name>  its ready copy: restore renames it into place
 *   devenv_snapb_<stack8>_<rand>  a save's copy until it becomes the snapshot
 *   devenv_snapx_<stack8>_<rand>  a database a restore replaced, dropped in the background
 *
 * <stack8> is a hash of the stack's name (core/stack/identity.ts), whose
 * parts (project, owner, branch, environment) make the identity.
 */
import { DevenvError } from '../errors.js';
import { shortHash } from '../stack/identity.js';

const SNAPSHOT = 'devenv_snap_';
const READY = 'devenv_snapr_';
const SCRATCH = 'devenv_snapb_';
const TRASH = 'devenv_snapx_';
/** Every snapshot database's name starts with this (LIKE pattern, `_` escaped). */
export const SNAPSHOT_DATABASE_PATTERN = 'devenv\\_snap%';

export const MAX_SNAPSHOT_NAME = 32;
const NAME_RULE = /^[a-z0-9][a-z0-9_-]*$/;
export const SNAPSHOT_NAME_RULE = `lowercase letters, digits, - and _, starting with a letter or digit, at most ${MAX_SNAPSHOT_NAME} characters`;

/** The stack's tag in its snapshots' database names. */
export function stackTag(stack: string): string {
  return shortHash(stack, 8);
}

/** What is wrong with a snapshot name, or undefined when it is fine. */
export function snapshotNameProblem(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.length > MAX_SNAPSHOT_NAME) return `it is longer than ${MAX_SNAPSHOT_NAME} characters`;
  if (!NAME_RULE.test(name)) {
    const bad = [...new Set(name.replace(/[a-z0-9_-]/g, ''))].map((c) => JSON.stringify(c));
    return bad.length === 0 ? 'it must start with a letter or digit' : `it contains ${bad.join(', ')}`;
  }
  return undefined;
}

export function checkSnapshotName(name: string): string {
  const problem = snapshotNameProblem(name);
  if (problem)
    throw new DevenvError('USAGE', `Invalid snapshot name ${JSON.stringify(name)}: ${problem}.`, {
      hint: `Use ${SNAPSHOT_NAME_RULE} (e.g. before-migration).`,
    });
  return name;
}

export interface SnapshotDatabases {
  /** The snapshot itself (a template nobody connects to). */
  snapshot: string;
  /** Its ready copy, renamed into place by a restore. */
  ready: string;
}

export function snapshotDatabases(stack: string, name: string): SnapshotDatabases {
  const tag = stackTag(stack);
  return { snapshot: `${SNAPSHOT}${tag}_${name}`, ready: `${READY}${tag}_${name}` };
}

/** The name a restore gives the database it replaces (dropped in the background). */
export function trashDatabase(stack: string, random: string): string {
  return `${TRASH}${stackTag(stack)}_${random}`;
}

/** The name a save copies the database under before it becomes the snapshot. */
export function scratchDatabase(stack: string, random: string): string {
  return `${SCRATCH}${stackTag(stack)}_${random}`;
}

export type SnapshotDatabase =
  | { kind: 'snapshot'; database: string; name: string }
  | { kind: 'ready'; database: string; name: string }
  | { kind: 'scratch'; database: string }
  | { kind: 'trash'; database: string };

/** What a database name is to this stack's snapshots; undefined for anything else (other stacks' included). */
export function parseSnapshotDatabase(database: string, stack: string): SnapshotDatabase | undefined {
  const tag = stackTag(stack);
  for (const [prefix, kind] of [
    [SNAPSHOT, 'snapshot'],
    [READY, 'ready'],
  ] as const) {
    const head = `${prefix}${tag}_`;
    if (database.startsWith(head)) {
      const name = database.slice(head.length);
      return snapshotNameProblem(name) ? undefined : { kind, database, name };
    }
  }
  if (database.startsWith(`${TRASH}${tag}_`)) return { kind: 'trash', database };
  if (database.startsWith(`${SCRATCH}${tag}_`)) return { kind: 'scratch', database };
  return undefined;
}

/** What a snapshot records about itself (its database's comment). */
export interface SnapshotRecord {
  name: string;
  stack: string;
  /** The database it was taken from, and the one restore replaces. */
  database: string;
  /** The role owning that database, given to the restored one. */
  owner: string;
  /** ISO time it was taken. */
  createdAt: string;
}

const COMMENT_PREFIX = 'devenv snapshot ';

export function snapshotComment(record: SnapshotRecord): string {
  return `${COMMENT_PREFIX}${JSON.stringify(record)}`;
}

export function parseSnapshotComment(comment: string): Partial<SnapshotRecord> {
  if (!comment.startsWith(COMMENT_PREFIX)) return {};
  try {
    const parsed = JSON.parse(comment.slice(COMMENT_PREFIX.length)) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const record: Partial<SnapshotRecord> = {};
    for (const key of ['name', 'stack', 'database', 'owner', 'createdAt'] as const) {
      const value = (parsed as Record<string, unknown>)[key];
      if (typeof value === 'string') record[key] = value;
    }
    return record;
  } catch {
    return {};
  }
}

/** One snapshot as `ls` shows it. */
export interface SnapshotInfo {
  name: string;
  /** The database it was taken from (and restores). */
  database: string;
  sizeBytes: number;
  /** ISO time; '' when the snapshot does not say. */
  createdAt: string;
  /** The role that owned that database (the restored one gets it); '' when the snapshot does not say. */
  owner: string;
  /** A ready copy exists: restore is a rename. */
  ready: boolean;
}

/** A row of the listing: database name, size in bytes, comment. */
export type SnapshotRow = readonly string[];

export interface SnapshotListing {
  snapshots: SnapshotInfo[];
  /** Databases earlier restores replaced, still to be dropped. */
  trash: string[];
  /** Copies of saves that did not finish (or are running: drop them only under the stack's lock). */
  scratch: string[];
  /** Ready copies whose snapshot is gone (a removal that was interrupted). */
  strayReady: string[];
}

/** This stack's snapshots among the rows, oldest first (then by name). */
export function snapshotListing(
  rows: readonly SnapshotRow[],
  stack: string,
  fallbackDatabase: string,
): SnapshotListing {
  const parsed = rows.flatMap((row) => {
    const database = parseSnapshotDatabase(row[0] ?? '', stack);
    return database ? [{ database, row }] : [];
  });
  const readyNames = new Set(
    parsed.flatMap(({ database }) => (database.kind === 'ready' ? [database.name] : [])),
  );
  const snapshots: SnapshotInfo[] = [];
  const snapshotNames = new Set<string>();
  for (const { database, row } of parsed) {
    if (database.kind !== 'snapshot') continue;
    snapshotNames.add(database.name);
    const record = parseSnapshotComment(row[2] ?? '');
    snapshots.push({
      name: database.name,
      database: record.database ?? fallbackDatabase,
      sizeBytes: Number(row[1] ?? 0) || 0,
      createdAt: record.createdAt ?? '',
      owner: record.owner ?? '',
      ready: readyNames.has(database.name),
    });
  }
  snapshots.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
  return {
    snapshots,
    trash: parsed.flatMap(({ database }) => (database.kind === 'trash' ? [database.database] : [])),
    scratch: parsed.flatMap(({ database }) => (database.kind === 'scratch' ? [database.database] : [])),
    strayReady: parsed.flatMap(({ database }) =>
      database.kind === 'ready' && !snapshotNames.has(database.name) ? [database.database] : [],
    ),
  };
}
