/**
 * `devenv db reset`: the stack's database starts over. With a migrate
 * command it becomes a copy of the migrate-once template (the test
 * databases' template: migrate and seed run once per content of
 * `database.inputs`, built again when they changed); without one, an empty
 * database, seeded when there is a seed command. Either way the new database
 * is complete before it takes the old one's place, and the sessions on the
 * old one are ended (and named) so it can.
 */
import type { AppContext } from '../context.js';
import { withStackLock } from '../stack-lock.js';
import type { StackOptions } from '../stack-target.js';
import { createTemplateDatabaseProvider } from '../testing/template-database.js';
import { runSeed } from './db-seed.js';
import { createScratch, refuseSystemDatabase } from './scratch-database.js';
import { withStackDatabase, type StackDatabase } from './stack-database.js';
import { dropQuietly, swapIntoPlace } from './swap-database.js';

/** A copy of the template (built first when its inputs changed), the caller's to rename. */
async function templateCopy(ctx: AppContext, db: StackDatabase): Promise<string> {
  const provider = createTemplateDatabaseProvider(ctx, {
    target: db.target,
    database: db.settings,
    backend: db.backend,
    poolSize: 0,
  });
  try {
    const lease = await provider.lease('reset', ctx.signal);
    lease.keep();
    return lease.database;
  } finally {
    // Its sessions end here: one on the maintenance database would stand in the way of renaming it.
    await provider.close();
  }
}

async function seededScratch(ctx: AppContext, db: StackDatabase): Promise<string> {
  const scratch = await createScratch(ctx, db, 'reset');
  try {
    await runSeed(ctx, db, scratch);
    return scratch;
  } catch (error) {
    await dropQuietly(ctx, db, scratch);
    throw error;
  }
}

export async function resetDatabase(ctx: AppContext, options: StackOptions): Promise<void> {
  const started = ctx.clock.now();
  await withStackDatabase(ctx, options, async (db) => {
    refuseSystemDatabase(db, 'db reset');
    const stack = db.target.identity.name;
    const source = db.settings.migrate ? 'template' : 'empty';
    await withStackLock(ctx, stack, async () => {
      const fresh = source === 'template' ? await templateCopy(ctx, db) : await seededScratch(ctx, db);
      try {
        await swapIntoPlace(ctx, db, fresh);
      } catch (error) {
        await dropQuietly(ctx, db, fresh);
        throw error;
      }
    });
    ctx.emit({
      type: 'database.reset',
      stack,
      database: db.name,
      source,
      seeded: db.settings.seed !== undefined || db.settings.seedSql !== undefined,
      durationMs: ctx.clock.now() - started,
    });
  });
}
