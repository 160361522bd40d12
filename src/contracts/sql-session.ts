/**
 * A session with a Postgres server: the test databases' admin connection
 * (create, rename and drop databases). Statements run one at a time, in
 * order, each in its own transaction (CREATE/DROP DATABASE cannot run inside
 * a transaction block). A failed statement rejects with a SqlError
 * (core/testdb/sql-error.ts) carrying the server's words.
 *
 * Implemented over one wire-protocol connection from the host in
 * adapters/postgres/pg-session.ts (`ctx.sqlSession`); app/testing/template-psql.ts
 * runs the same statements with psql inside the container where the host
 * cannot reach the server.
 */
export interface SqlEndpoint {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export interface SqlSessionOptions {
  /** Shown in pg_stat_activity.application_name. */
  applicationName?: string;
  /** Give up connecting after this long (default 3 s). */
  connectTimeoutMs?: number;
}

export interface SqlSession {
  /**
   * Runs the statements in order, stopping at the first that fails (a
   * SqlError); resolves to the rows they returned, in order, each row as its
   * columns' text ('' for NULL).
   */
  run(statements: readonly string[]): Promise<string[][]>;
  /** False once the connection is gone (closed, or lost: a server restart, the container stopped). */
  readonly open: boolean;
  /** Ends the session after the statements already sent. */
  close(): Promise<void>;
}

/** Connects; rejects with a SqlError (connectionLost) when the server cannot be reached or refuses the login. */
export type OpenSqlSession = (endpoint: SqlEndpoint, options?: SqlSessionOptions) => Promise<SqlSession>;
