/**
 * The Postgres client programs devenv runs inside the stack's Postgres
 * container (never on the host: the host may have none, or another version),
 * as argv lists for an exec. They connect over the container's own socket as
 * the superuser the container declares; the password goes in the exec's
 * environment (PGPASSWORD), never on a command line.
 */
import { STAMP_SCHEMA, STAMP_TABLE } from './anonymization-stamp.js';
import type { DumpFormat } from './dump-format.js';

export interface PgLogin {
  user: string;
  password: string;
}

/** The exec's environment for a client program. */
export function pgEnvironment(login: PgLogin): Record<string, string> {
  return { PGPASSWORD: login.password, PGOPTIONS: '-c client_min_messages=warning' };
}

/**
 * A dump of one database to stdout. Plain dumps leave out owners and grants
 * (psql replays every line; a role of another server would stop the load);
 * custom dumps keep them and the restore leaves them out instead.
 */
export function pgDumpCommand(login: PgLogin, database: string, format: DumpFormat): string[] {
  return [
    'pg_dump',
    '--username',
    login.user,
    '--dbname',
    database,
    `--format=${format}`,
    ...(format === 'plain' ? ['--no-owner', '--no-privileges'] : []),
  ];
}

/** The table of contents of a custom-format dump read from stdin. */
export function pgRestoreListCommand(): string[] {
  return ['pg_restore', '--list'];
}

/** The anonymization stamp's row of a custom-format dump read from stdin, as SQL on stdout. */
export function pgRestoreStampCommand(): string[] {
  return ['pg_restore', '--data-only', `--schema=${STAMP_SCHEMA}`, `--table=${STAMP_TABLE}`, '--file=-'];
}

/**
 * A load from stdin into `database`, stopping at the first error: pg_restore
 * for custom dumps (owners and grants of the dumped server left out: the
 * stack's superuser owns what it loads), psql for plain ones.
 */
export function loadCommand(login: PgLogin, database: string, format: DumpFormat): string[] {
  return format === 'custom'
    ? [
        'pg_restore',
        '--username',
        login.user,
        '--dbname',
        database,
        '--no-owner',
        '--no-privileges',
        '--exit-on-error',
      ]
    : ['psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '--username', login.user, '--dbname', database];
}

/** A SQL script from stdin into `database`, all or nothing: one transaction, stopping at the first error. */
export function sqlScriptCommand(login: PgLogin, database: string): string[] {
  return [
    'psql',
    '-X',
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '--single-transaction',
    '--username',
    login.user,
    '--dbname',
    database,
  ];
}
