/**
 * SQL for template databases, run by `psql` inside the stack's Postgres
 * container through the engine's exec (no driver on the host; works for a
 * remote engine too). Each statement is its own `-c`, so CREATE/DROP DATABASE
 * run outside a transaction block.
 */
import type { StackBackend } from '../../contracts/stack-backend.js';

export interface PostgresCredentials {
  user: string;
  password: string;
  database: string;
}

/** A statement failed: Postgres's message (e.g. `database "x" already exists`) and psql's output. */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly output: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

export interface PostgresAdmin {
  credentials: PostgresCredentials;
  /** Runs the statements in order in the maintenance database; resolves to the non-empty output lines. */
  run(statements: readonly string[]): Promise<string[]>;
}

function parseEnv(output: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** Reads the superuser's name and password from the container's environment (the official image's contract). */
export async function postgresAdmin(
  backend: Pick<StackBackend, 'exec'>,
  containerId: string,
): Promise<PostgresAdmin> {
  const printed = await backend.exec(containerId, ['env']);
  const env = printed.exitCode === 0 ? parseEnv(printed.output) : {};
  const user = env['POSTGRES_USER'] || 'postgres';
  const credentials: PostgresCredentials = {
    user,
    password: env['POSTGRES_PASSWORD'] ?? '',
    database: env['POSTGRES_DB'] || user,
  };
  return {
    credentials,
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
        '-v',
        'ON_ERROR_STOP=1',
        '-U',
        credentials.user,
        '-d',
        'postgres',
        ...statements.flatMap((statement) => ['-c', statement]),
      ];
      const result = await backend.exec(containerId, command);
      const lines = result.output.split('\n').filter((line) => line.trim() !== '');
      if (result.exitCode !== 0) {
        const error = lines.find((line) => /\b(ERROR|FATAL):/.test(line)) ?? lines.at(-1) ?? '';
        throw new SqlError(
          error.replace(/^.*?\b(?:ERROR|FATAL):\s*/, '') || `psql exited with ${result.exitCode}`,
          result.output,
          result.exitCode,
        );
      }
      return lines;
    },
  };
}
