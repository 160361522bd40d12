/**
 * A SqlSession over one wire-protocol connection (node-postgres `pg`): the
 * test databases' admin statements take a round trip each (about a
 * millisecond) instead of an exec of psql in the container (100 ms or more).
 * Rows come back as text (no type parsing); the server's errors become
 * SqlErrors with its message, SQLSTATE and DETAIL/HINT lines; a lost
 * connection (server restart, container stopped) marks the session closed.
 * Calls of run() wait for each other (one query at a time on a connection;
 * pg 9 will refuse more), so a run's statements are never interleaved.
 * An idle session does not keep the process alive (its socket is unref'd
 * between runs), so a command that forgot to close one still exits; a run and
 * close() do (an await on an unref'd socket alone would end the process).
 */
import { Socket } from 'node:net';
import pg from 'pg';
import type { OpenSqlSession, SqlSession } from '../../contracts/sql-session.js';
import { serialQueue } from '../../core/serial-queue.js';
import { SqlError } from '../../core/testdb/sql-error.js';

const asText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

/** SQLSTATE classes after which the server has closed the session: connection exception, operator intervention. */
function endsSession(code: string | undefined): boolean {
  return code !== undefined && (code.startsWith('08') || code.startsWith('57P'));
}

function toSqlError(error: unknown, lost: boolean): SqlError {
  if (error instanceof pg.DatabaseError) {
    const lines = [`${error.severity ?? 'ERROR'}:  ${error.message}`];
    if (error.detail) lines.push(`DETAIL:  ${error.detail}`);
    if (error.hint) lines.push(`HINT:  ${error.hint}`);
    return new SqlError(error.message, {
      output: lines.join('\n'),
      ...(error.code !== undefined ? { sqlState: error.code } : {}),
      connectionLost: lost || endsSession(error.code),
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new SqlError(message, { output: message, connectionLost: true });
}

export const openPgSession: OpenSqlSession = async (endpoint, options = {}) => {
  const socket = new Socket();
  const client = new pg.Client({
    stream: () => socket,
    host: endpoint.host,
    port: endpoint.port,
    user: endpoint.user,
    password: endpoint.password,
    database: endpoint.database,
    application_name: options.applicationName ?? 'devenv',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
    keepAlive: true,
    // NOTICEs such as "database ... does not exist, skipping" are not wanted.
    options: '-c client_min_messages=warning',
    types: asText,
  });
  let open = false;
  // Without a listener an idle connection's error (the server went away) would crash the process.
  client.on('error', () => {
    open = false;
  });
  client.on('end', () => {
    open = false;
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw toSqlError(error, true);
  }
  open = true;
  socket.unref();
  const queue = serialQueue();
  async function runNow(statements: readonly string[]): Promise<string[][]> {
    socket.ref();
    try {
      return await runStatements(statements);
    } finally {
      socket.unref();
    }
  }
  async function runStatements(statements: readonly string[]): Promise<string[][]> {
    const rows: string[][] = [];
    for (const statement of statements) {
      if (!open)
        throw new SqlError('The connection to the database server is closed.', {
          output: '',
          connectionLost: true,
        });
      try {
        const result = await client.query<string[]>({ text: statement, rowMode: 'array' });
        for (const row of result.rows) rows.push(row.map((cell) => (cell === null ? '' : String(cell))));
      } catch (error) {
        const sqlError = toSqlError(error, !open);
        if (sqlError.connectionLost) open = false;
        throw sqlError;
      }
    }
    return rows;
  }
  const session: SqlSession = {
    get open() {
      return open;
    },
    run: (statements) => queue(() => runNow(statements)),
    // After the runs already asked for.
    close: () =>
      queue(async () => {
        open = false;
        // Ending waits for the server's goodbye on the socket: keep the process alive for it.
        socket.ref();
        await client.end().catch(() => undefined);
      }),
  };
  return session;
};
