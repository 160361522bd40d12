/**
 * The database a reset or a load builds before it takes the stack's
 * database's place: named like the test copies (core/testdb/database-names.ts)
 * with this process as owner, so one left by a devenv that crashed is dropped
 * by the next devenv that sweeps the server.
 */
import { randomBytes } from 'node:crypto';
import { isSystemDatabase } from '../../core/data/database-swap.js';
import { DevenvError } from '../../core/errors.js';
import { copyName, hostTag } from '../../core/testdb/database-names.js';
import { createEmptyDatabase } from '../../core/testdb/sql.js';
import type { AppContext } from '../context.js';
import type { StackDatabase } from './stack-database.js';
import { databaseFailure } from './swap-database.js';

export function scratchName(ctx: AppContext, purpose: string): string {
  const owner = { hostTag: hostTag(ctx.host.hostname), pid: ctx.host.pid, createdAt: ctx.clock.now() };
  return copyName(owner, randomBytes(3).toString('hex'), purpose);
}

export async function createScratch(ctx: AppContext, db: StackDatabase, purpose: string): Promise<string> {
  const name = scratchName(ctx, purpose);
  await db.admin.run(createEmptyDatabase(name)).catch((error: unknown) => {
    throw databaseFailure(`create database ${name}`, error);
  });
  return name;
}

/** The server's own databases are not the stack's to replace. */
export function refuseSystemDatabase(db: StackDatabase, command: string): void {
  if (isSystemDatabase(db.name))
    throw new DevenvError(
      'CONFIG_INVALID',
      `The stack's database is "${db.name}", one of the server's own: \`devenv ${command}\` does not replace it.`,
      { hint: `Point ${db.urlEnv} (or POSTGRES_DB) of the stack at a database of its own.` },
    );
}
