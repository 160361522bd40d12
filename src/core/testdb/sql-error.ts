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

/** 42P04 duplicate_database. */
export function isDuplicateDatabase(error: unknown): boolean {
  if (!(error instanceof SqlError)) return false;
  if (error.sqlState !== undefined) return error.sqlState === '42P04';
  return /already exists/.test(error.message);
}
