/**
 * The Postgres server's superuser as its container declares it, and a
 * SqlSession that runs statements with `psql` inside the container through
 * the backend's exec: the fallback where the host cannot reach the published
 * port (a remote engine behind a firewall, no port published). One exec per
 * run() (100 ms or more each), each statement its own `-c`, so CREATE/DROP
 * DATABASE run outside a transaction block.
 */
import type { StackBackend } from '../../contracts/stack-backend.js';
import type { SqlSession } from '../../contracts/sql-session.js';
import { SqlError } from '../../core/testdb/sql-error.js';

export interface PostgresCredentials {
  user: string;
  password: string;
  database: string;
}

/** Between the columns of a row in psql's unaligned output. */
const FIELD_SEPARATOR = '\x1f';

function parseEnv(output: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** Reads the superuser's name and password from the container's environment (the official image's contract). */
export async function containerCredentials(
  backend: Pick<StackBackend, 'exec'>,
  containerId: string,
): Promise<PostgresCredentials> {
  const printed = await backend.exec(containerId, ['env']);
  const env = printed.exitCode === 0 ? parseEnv(printed.output) : {};
  const user = env['POSTGRES_USER'] || 'postgres';
  return { user, password: env['POSTGRES_PASSWORD'] ?? '', database: env['POSTGRES_DB'] || user };
}

/** Statements run by psql in the container, in the maintenance database unless told; every run() is one exec. */
export function psqlSession(
  backend: Pick<StackBackend, 'exec'>,
  containerId: string,
  credentials: PostgresCredentials,
  database = 'postgres',
): SqlSession {
  return {
    open: true,
    close: () => Promise.resolve(),
    async run(statements) {
      const command = [
        'env',
        `PGPASSWORD=${credentials.password}`,
        'PGOPTIONS=-c client_min_messages=warning',
        'psql',
        '-X',
        '-q',
        '-A',
        '-t',
        '-F',
        FIELD_SEPARATOR,
        '-v',
        'ON_ERROR_STOP=1',
        '-U',
        credentials.user,
        '-d',
        database,
        ...statements.flatMap((statement) => ['-c', statement]),
      ];
      const result = await backend.exec(containerId, command);
      const lines = result.output.split('\n').filter((line) => line.trim() !== '');
      if (result.exitCode !== 0) {
        const error = lines.find((line) => /\b(ERROR|FATAL):/.test(line)) ?? lines.at(-1) ?? '';
        throw new SqlError(
          error.replace(/^.*?\b(?:ERROR|FATAL):\s*/, '') || `psql exited with ${result.exitCode}`,
          { output: result.output, exitCode: result.exitCode },
        );
      }
      return lines.map((line) => line.split(FIELD_SEPARATOR));
    },
  };
}
