/**
 * Putting a new database in the place of the stack's one (`db reset`, `db
 * load`): the new one is made and filled under a name of its own first, so
 * the stack's database is never half-built. Then, on a session to another
 * database of the server:
 *
 *   1. the stack's database stops taking connections, and the open ones are
 *      ended (the applications reconnect to the new one);
 *   2. once they are gone, one statement renames the old out of the way and
 *      the new into place (one transaction: both or neither);
 *   3. the old one is dropped.
 *
 * A failure before 2 lets the old one take connections again and drops the
 * new one. The old one's name says what it was, so one left by a crash
 * between 2 and 3 is recognizable (and is never swept automatically).
 */
import { quoteIdent, quoteLiteral } from '../testdb/sql.js';

/** Postgres truncates identifiers beyond 63 bytes. */
const MAX_NAME = 63;

/** The maintenance database the swap's session uses: never the database being swapped. */
export function maintenanceDatabase(target: string): string {
  return target === 'postgres' ? 'template1' : 'postgres';
}

/** Databases devenv must not replace: the server's own. */
export function isSystemDatabase(name: string): boolean {
  return name === 'template0' || name === 'template1';
}

export function allowConnections(name: string, allow: boolean): string {
  return `ALTER DATABASE ${quoteIdent(name)} WITH ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`;
}

/** Ends every other session on the database; one row per session: its pid, whether it was signalled, its application name. */
export function endConnections(name: string): string {
  return `SELECT pid, pg_terminate_backend(pid), coalesce(nullif(application_name, ''), '(no application name)') FROM pg_stat_activity WHERE datname = ${quoteLiteral(name)} AND pid <> pg_backend_pid()`;
}

/**
 * Once the sessions ended are gone (waiting up to `waitSeconds`; the stats snapshot is cleared on
 * each look, as a transaction keeps it otherwise), the old database out of the way and the new one
 * into its place: one statement, one transaction, so both renames happen or neither.
 */
export function swapStatement(
  target: string,
  replacement: string,
  retired: string,
  waitSeconds = 10,
): string {
  const tries = Math.max(1, Math.round(waitSeconds / 0.05));
  return [
    'DO $devenv_swap$ BEGIN',
    `FOR i IN 1..${tries} LOOP`,
    'PERFORM pg_stat_clear_snapshot();',
    `EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = ${quoteLiteral(target)} AND pid <> pg_backend_pid());`,
    'PERFORM pg_sleep(0.05);',
    'END LOOP;',
    `EXECUTE ${quoteLiteral(`ALTER DATABASE ${quoteIdent(target)} RENAME TO ${quoteIdent(retired)}`)};`,
    `EXECUTE ${quoteLiteral(`ALTER DATABASE ${quoteIdent(replacement)} RENAME TO ${quoteIdent(target)}`)};`,
    'END $devenv_swap$',
  ].join(' ');
}

/** What the old database is called between the swap and its drop. */
export function retiredName(target: string, random: string): string {
  const suffix = `_devenv_old_${random}`;
  return `${target.slice(0, MAX_NAME - suffix.length)}${suffix}`;
}

/** "3 connections (app: 2, psql: 1)" from the application names of the ended sessions. */
export function describeConnections(applications: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const name of applications) counts.set(name, (counts.get(name) ?? 0) + 1);
  const parts = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => `${name}: ${n}`);
  const total = applications.length;
  return `${total} connection${total === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}
