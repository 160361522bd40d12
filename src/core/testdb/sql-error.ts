/**
 * A statement on a Postgres server failed, or the session to it did. Thrown
 * by every SqlSession (contracts/sql-session.ts): the wire-protocol adapter
 * and psql run in the container alike, so the template-database machinery
 * decides on one shape.
 */
export interface SqlErrorReport {
  /** The server's report as lines ("ERROR:  ...", "DETAIL:  ...") or psql's output. */
  output: string;
  /** SQLSTATE, when the server sent one (psql's output does not carry it). */
  sqlState?: string;
  /** The session is gone (could not connect, or the connection dropped): open a new one. */
  connectionLost?: boolean;
  /** psql's exit code (psql sessions only). */
  exitCode?: number;
}

export class SqlError extends Error {
  readonly output: string;
  readonly sqlState: string | undefined;
  readonly connectionLost: boolean;
  readonly exitCode: number | undefined;

  constructor(message: string, report: SqlErrorReport) {
    super(message);
    this.name = 'SqlError';
    this.output = report.output;
    this.sqlState = report.sqlState;
    this.connectionLost = report.connectionLost ?? false;
    this.exitCode = report.exitCode;
  }
}

/** 3D000 invalid_catalog_name: e.g. the template or a pooled copy is gone. */
export function isMissingDatabase(error: unknown, database: string): boolean {
  if (!(error instanceof SqlError)) return false;
  if (error.sqlState !== undefined) return error.sqlState === '3D000' && error.message.includes(database);
  return /does not exist/.test(error.message) && error.message.includes(database);
}

/** 42P04 duplicate_database, or the catalog's unique index on the name (a rename racing another). */
export function isDuplicateDatabase(error: unknown): boolean {
  if (!(error instanceof SqlError)) return false;
  // 42P04 when the name was taken before the statement began; two renames to one name at the
  // same moment get past that check and one meets the catalog's unique index instead (23505).
  if (error.sqlState === '42P04') return true;
  if (error.sqlState === '23505') return /pg_database_datname_index/.test(error.message);
  if (error.sqlState !== undefined) return false;
  return /already exists|"pg_database_datname_index"/.test(error.message);
}
