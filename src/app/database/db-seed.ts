/**
 * `devenv db seed`: the project's seed command (devenv.yaml `database.seed`)
 * run on the host against the stack's database, as the test-database
 * machinery runs it against a template: in the project directory, with the
 * stack's host environment and `database.urlEnv` pointing at the stack's
 * database. It adds to what is there; `devenv db reset` starts over.
 */
import { DevenvError } from '../../core/errors.js';
import type { AppContext } from '../context.js';
import type { StackOptions } from '../stack-target.js';
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

export async function seedDatabase(ctx: AppContext, options: StackOptions): Promise<void> {
  const started = ctx.clock.now();
  await withStackDatabase(ctx, options, async (db) => {
    const seed = db.settings.seed;
    if (!seed)
      throw new DevenvError('CONFIG_INVALID', 'devenv.yaml has no database.seed command to run.', {
        hint: 'Add the command that fills the database, e.g.\n  database:\n    seed: npm run seed   # runs with DATABASE_URL pointing at the stack database',
      });
    await runProjectDatabaseCommand(ctx, db, 'seed', seed, db.name);
    ctx.emit({
      type: 'database.seeded',
      stack: db.target.identity.name,
      database: db.name,
      command: seed,
      durationMs: ctx.clock.now() - started,
    });
  });
}
