/**
 * A database made and filled under its own name takes the place of the
 * stack's one (core/data/database-swap.ts has the steps and the SQL). Open
 * sessions on the stack's database are ended, and the user is told which;
 * new ones are refused meanwhile, so nothing reconnects between the end and
 * the rename.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  allowConnections,
  databaseExists,
  endConnections,
  retiredName,
  swapStatement,
} from '../../core/data/database-swap.js';
import { DevenvError } from '../../core/errors.js';
import { dropDatabase, renameDatabase } from '../../core/testdb/sql.js';
import { SqlError } from '../../core/testdb/sql-error.js';
import type { AppContext } from '../context.js';
import type { StackDatabase } from './stack-database.js';

/** How long sessions that were ended may take to go away before the swap gives up. */
const SESSIONS_GONE_MS = 10_000;
const RETRY_MS = 100;

function stillInUse(error: unknown): boolean {
  return error instanceof SqlError && /being accessed by other users/.test(error.message);
}

export function databaseFailure(action: string, error: unknown, hint?: string): DevenvError {
  if (error instanceof DevenvError) return error;
  const details = error instanceof SqlError ? error.output.trim().split('\n').slice(-10) : [];
  return new DevenvError(
    'DATABASE_ERROR',
    `Could not ${action}: ${error instanceof Error ? error.message : String(error)}`,
    {
      hint:
        hint ??
        'Check the database with `devenv logs <database service>`; the stack database was left as it was.',
      details,
      cause: error,
    },
  );
}

/** Drops a database devenv made; a failure is a warning naming it (it is in the way of nothing). */
export async function dropQuietly(ctx: AppContext, db: StackDatabase, name: string): Promise<void> {
  try {
    await db.admin.run(dropDatabase(name));
  } catch (error) {
    ctx.emit({
      type: 'warning',
      warning: {
        message: `could not drop database ${name} (${error instanceof Error ? error.message : String(error)}); drop it with \`DROP DATABASE "${name}"\``,
      },
    });
  }
}

/** Puts `replacement` in the place of the stack's database; on failure the stack's database is as it was. */
export async function swapIntoPlace(ctx: AppContext, db: StackDatabase, replacement: string): Promise<void> {
  const target = db.name;
  const [[count] = []] = await db.admin.run([databaseExists(target)]).catch((error: unknown) => {
    throw databaseFailure(`look for database ${target}`, error);
  });
  if (count === '0') {
    await db.admin.run([renameDatabase(replacement, target)]).catch((error: unknown) => {
      throw databaseFailure(`rename ${replacement} to ${target}`, error);
    });
    return;
  }
  const retired = retiredName(target, randomBytes(3).toString('hex'));
  await db.admin.run([allowConnections(target, false)]).catch((error: unknown) => {
    throw databaseFailure(`close database ${target} to new connections`, error);
  });
  /** Application names by pid: a session ended by one try may still be listed at the next. */
  const ended = new Map<string, string>();
  try {
    const deadline = ctx.clock.now() + SESSIONS_GONE_MS;
    for (;;) {
      if (ctx.signal.aborted)
        throw new DevenvError('INTERRUPTED', `Interrupted: database ${target} was not replaced.`);
      const rows = await db.admin.run([endConnections(target)]);
      for (const [pid = '', , application = ''] of rows) ended.set(pid, application);
      try {
        await db.admin.run([swapStatement(target, replacement, retired)]);
        break;
      } catch (error) {
        if (!stillInUse(error) || ctx.clock.now() > deadline) throw error;
        await sleep(RETRY_MS);
      }
    }
  } catch (error) {
    await db.admin.run([allowConnections(target, true)]).catch(() => undefined);
    throw databaseFailure(`put ${replacement} in the place of ${target}`, error);
  } finally {
    if (ended.size > 0)
      ctx.emit({ type: 'database.connections.ended', database: target, applications: [...ended.values()] });
  }
  // Copies of a template refuse connections like it; the stack's database must take them.
  await db.admin.run([allowConnections(target, true)]).catch((error: unknown) => {
    throw databaseFailure(`open database ${target} to connections`, error);
  });
  await dropQuietly(ctx, db, retired);
}
