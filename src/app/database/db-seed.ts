/**
 * `devenv db seed`: the project's seed (devenv.yaml `database.seed`): a
 * command run on the host against the stack's database, as the test-database
 * machinery runs it against a template: in the project directory, with the
 * stack's host environment and `database.urlEnv` pointing at the stack's
 * database; or SQL files (`seed: { sql: [GLOBS] }`) run with psql in the
 * database's container (app/database/seed-sql-files.ts). It adds to what is
 * there; `devenv db reset` starts over.
 */
import { DevenvError } from '../../core/errors.js';
import type { AppContext } from '../context.js';
import type { StackOptions } from '../stack-target.js';
import { runSeedSqlFiles } from './seed-sql-files.js';
import { withStackDatabase, type StackDatabase } from './stack-database.js';

/** Runs `command` (migrate or seed) with urlEnv pointing at `database`; INTERRUPTED when cancelled. */
export async function runProjectDatabaseCommand(
  ctx: AppContext,
  db: StackDatabase,
  kind: 'seed' | 'migrate',
  command: string,
  database: string,
): Promise<void> {
  const projectDir = db.target.project.workingDir;
  const ended = await ctx.runCommand({
    label: `The database's ${kind} command`,
    command,
    cwd: projectDir,
    env: { ...ctx.env, ...db.stackEnv, [db.urlEnv]: db.hostUrl(database) },
    signal: ctx.signal,
    hint: `It ran in ${projectDir} with ${db.urlEnv} pointing at database ${database} of stack ${db.target.identity.name}. Fix it (devenv.yaml database.${kind}) and run again.`,
  });
  if (ended === 'aborted')
    throw new DevenvError('INTERRUPTED', `Interrupted: the ${kind} command was stopped.`);
}

/** Runs the seed (command or SQL files) into `database`; the SQL files run, or undefined for a command. */
export async function runSeed(
  ctx: AppContext,
  db: StackDatabase,
  database: string,
): Promise<string[] | undefined> {
  const { seed, seedSql } = db.settings;
  if (seed !== undefined) await runProjectDatabaseCommand(ctx, db, 'seed', seed, database);
  if (seedSql === undefined) return undefined;
  return runSeedSqlFiles(db, {
    projectDir: db.target.project.workingDir,
    globs: seedSql,
    database,
    signal: ctx.signal,
  });
}

export async function seedDatabase(ctx: AppContext, options: StackOptions): Promise<void> {
  const started = ctx.clock.now();
  await withStackDatabase(ctx, options, async (db) => {
    const { seed, seedSql } = db.settings;
    if (seed === undefined && seedSql === undefined)
      throw new DevenvError('CONFIG_INVALID', 'devenv.yaml has no database.seed to run.', {
        hint: 'Add the command that fills the database, or its SQL files, e.g.\n  database:\n    seed: npm run seed   # runs with DATABASE_URL pointing at the stack database\nor\n    seed: { sql: ["seeds/*.sql"] }   # run in path order with psql in the database container',
      });
    const files = await runSeed(ctx, db, db.name);
    ctx.emit({
      type: 'database.seeded',
      stack: db.target.identity.name,
      database: db.name,
      ...(seed !== undefined ? { command: seed } : {}),
      ...(files !== undefined ? { files } : {}),
      durationMs: ctx.clock.now() - started,
    });
  });
}
