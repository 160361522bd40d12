/**
 * A Postgres client program (core/data/pg-commands.ts) run in the stack's
 * Postgres container with streamed stdin and stdout: a non-zero exit is a
 * DATABASE_ERROR with the program's own last words.
 */
import type { StreamExecResult } from '../../contracts/engine.js';
import { pgEnvironment } from '../../core/data/pg-commands.js';
import { pgFailureLine } from '../../core/data/pg-failure-line.js';
import { DevenvError } from '../../core/errors.js';
import type { StackDatabase } from './stack-database.js';

export interface PgToolRun {
  /** What it does, for the error: "pg_dump of myapp_dev". */
  label: string;
  command: string[];
  stdin?: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  signal: AbortSignal;
  hint: string;
  /** What Ctrl-C left, for the INTERRUPTED error: "Nothing was loaded; app_dev is as it was." */
  interrupted: string;
}

/** The Postgres container a program runs in: a stack's database, or the test databases' connection. */
export type PgToolHost = Pick<StackDatabase, 'backend' | 'container' | 'credentials'>;

export async function runPgTool(db: PgToolHost, run: PgToolRun): Promise<StreamExecResult> {
  const result = await db.backend
    .execStream(db.container.id, run.command, {
      ...(run.stdin ? { stdin: run.stdin } : {}),
      stdout: run.stdout,
      signal: run.signal,
      env: pgEnvironment(db.credentials),
    })
    .catch((error: unknown) => {
      if (error instanceof DevenvError && error.code === 'INTERRUPTED')
        throw new DevenvError('INTERRUPTED', `Interrupted: ${run.label} was stopped. ${run.interrupted}`, {
          cause: error,
        });
      throw error;
    });
  if (result.exitCode !== 0) {
    const why = pgFailureLine(result.stderr);
    throw new DevenvError(
      'DATABASE_ERROR',
      `${run.label} failed (exit ${result.exitCode})${why ? `: ${why}` : ''}`,
      {
        hint: run.hint,
        details: result.stderr.trimEnd().split('\n').slice(-10),
      },
    );
  }
  return result;
}
