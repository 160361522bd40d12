/**
 * A database made and filled under its own name takes the place of the
 * stack's one (core/data/database-swap.ts has the steps and the SQL), in one
 * run of statements: no new sessions, the open ones ended (and named to the
 * user), the renames once they are gone, sessions allowed again. The old
 * database is dropped after.
 */
import { randomBytes } from 'node:crypto';
import {
  allowConnections,
  endConnections,
  retiredName,
  swapStatement,
} from '../../core/data/database-swap.js';
import { DevenvError } from '../../core/errors.js';
import { dropDatabase, renameDatabase } from '../../core/testdb/sql.js';
import { SqlError } from '../../core/testdb/sql-error.js';
import type { AppContext } from '../context.js';
import type { StackDatabase } from './stack-database.js';

export function databaseFailure(action: string, error: unknown, hint?: string): DevenvError {
  if (error instanceof DevenvError) return error;
  const details = error instanceof SqlError ? error.output.trim().split('\n').slice(-10) : [];
  return new DevenvError(
    'DATABASE_ERROR',
    `Could not ${action}: ${error instanceof Error ? error.message : String(error)}`,
    {
      hint:
        hint ??
        'The stack database was left as it was. Check the database with `devenv logs <database service>`.',
      details,
      cause: error,
    },
  );
}

/** The database itself does not exist (the message quotes its name: a longer name holding it is another). */
function missing(error: unknown, database: string): boolean {
  return (
    error instanceof SqlError &&
    (error.sqlState === undefined || error.sqlState === '3D000') &&
    error.message.includes(`database "${database}" does not exist`)
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
  const retired = retiredName(target, randomBytes(3).toString('hex'));
  let rows: string[][];
  try {
    rows = await db.admin.run([
      allowConnections(target, false),
      endConnections(target),
      swapStatement(target, replacement, retired),
      allowConnections(target, true),
    ]);
  } catch (error) {
    if (missing(error, target)) {
      // No database to replace (dropped by hand): the new one only takes the name.
      await db.admin.run([renameDatabase(replacement, target)]).catch((renameError: unknown) => {
        throw databaseFailure(`rename ${replacement} to ${target}`, renameError);
      });
      return;
    }
    await db.admin.run([allowConnections(target, true)]).catch(() => undefined);
    throw databaseFailure(`put ${replacement} in the place of ${target}`, error);
  }
  const applications = rows.map(([, , application = '']) => application);
  if (applications.length > 0)
    ctx.emit({ type: 'database.connections.ended', database: target, applications });
  await dropQuietly(ctx, db, retired);
}
