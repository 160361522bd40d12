/**
 * Names of devenv's databases in a stack's Postgres. Everything a name must
 * tell is in it, so a listing of pg_database is enough to decide what to keep:
 *
 *   devenv_tpl_<key12>                                   the template for one key
 *   devenv_tplb_<key12>_<host6>_<pid>_<created36>_<rand> a template being built (renamed when done)
 *   devenv_run_<host6>_<pid>_<created36>_<rand>[_<run>]  one run's copy
 *
 * <host6> is a short hash of the host name (a pid means nothing on another
 * machine), <created36> the creation time in seconds, base 36.
 */
import { createHash } from 'node:crypto';

export const DATABASE_PREFIX = 'devenv_';
const TEMPLATE = 'devenv_tpl_';
const BUILD = 'devenv_tplb_';
const COPY = 'devenv_run_';
/** Postgres truncates identifiers beyond 63 bytes. */
const MAX_NAME = 63;

export interface Owner {
  hostTag: string;
  pid: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

export function hostTag(hostname: string): string {
  return createHash('sha256').update(hostname).digest('hex').slice(0, 6);
}

export function templateName(key: string): string {
  return `${TEMPLATE}${key.slice(0, 12)}`;
}

function ownerPart(owner: Owner): string {
  return `${owner.hostTag}_${owner.pid}_${Math.floor(owner.createdAt / 1000).toString(36)}`;
}

export function buildName(key: string, owner: Owner, random: string): string {
  return `${BUILD}${key.slice(0, 12)}_${ownerPart(owner)}_${random}`;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function copyName(owner: Owner, random: string, runId: string): string {
  const base = `${COPY}${ownerPart(owner)}_${random}`;
  const run = slug(runId);
  if (run === '') return base;
  return `${base}_${run}`.slice(0, MAX_NAME).replace(/_+$/, '');
}

export type DevenvDatabase =
  | { kind: 'template'; name: string; key12: string }
  | { kind: 'build'; name: string; key12: string; owner: Owner }
  | { kind: 'copy'; name: string; owner: Owner };

function parseOwner(host: string, pid: string, created: string): Owner | undefined {
  const createdSeconds = parseInt(created, 36);
  const pidNumber = Number(pid);
  if (!/^[0-9a-f]{6}$/.test(host) || !Number.isInteger(pidNumber) || Number.isNaN(createdSeconds))
    return undefined;
  return { hostTag: host, pid: pidNumber, createdAt: createdSeconds * 1000 };
}

/** What a database name says, or undefined for databases that are not devenv's. */
export function parseDatabaseName(name: string): DevenvDatabase | undefined {
  let match = /^devenv_tpl_([0-9a-f]{12})$/.exec(name);
  if (match) return { kind: 'template', name, key12: match[1]! };
  match = /^devenv_tplb_([0-9a-f]{12})_([0-9a-f]{6})_(\d+)_([0-9a-z]+)_[0-9a-z]+$/.exec(name);
  if (match) {
    const owner = parseOwner(match[2]!, match[3]!, match[4]!);
    return owner ? { kind: 'build', name, key12: match[1]!, owner } : undefined;
  }
  match = /^devenv_run_([0-9a-f]{6})_(\d+)_([0-9a-z]+)_[0-9a-z]+(?:_.*)?$/.exec(name);
  if (match) {
    const owner = parseOwner(match[1]!, match[2]!, match[3]!);
    return owner ? { kind: 'copy', name, owner } : undefined;
  }
  return undefined;
}

export interface StalePolicy {
  /** This process: its own databases are never stale (its leases may still be running). */
  self: { hostTag: string; pid: number };
  isProcessAlive(pid: number): boolean;
  now: number;
  /** Databases of other hosts (or reused pids) are dropped after this age. */
  staleAfterMs: number;
  /** When set, templates for other keys are dropped too (after a rebuild). */
  currentTemplate?: string;
}

/** Why a database is stale, or undefined to keep it. */
export function staleReason(database: DevenvDatabase, policy: StalePolicy): string | undefined {
  if (database.kind === 'template') {
    return policy.currentTemplate !== undefined && database.name !== policy.currentTemplate
      ? `template for another key (current: ${policy.currentTemplate})`
      : undefined;
  }
  const { owner } = database;
  const mine = owner.hostTag === policy.self.hostTag;
  if (mine && owner.pid === policy.self.pid) return undefined;
  if (mine && !policy.isProcessAlive(owner.pid)) return `owner process ${owner.pid} is gone`;
  const age = policy.now - owner.createdAt;
  if (age > policy.staleAfterMs) return `older than ${Math.round(policy.staleAfterMs / 60_000)} min`;
  return undefined;
}

/** The databases to drop, with the reason, in name order. */
export function staleDatabases(
  names: readonly string[],
  policy: StalePolicy,
): { name: string; reason: string }[] {
  return [...names].sort().flatMap((name) => {
    const database = parseDatabaseName(name);
    const reason = database && staleReason(database, policy);
    return reason ? [{ name, reason }] : [];
  });
}
