/**
 * "Migrate once, clone many": integration runs start from a known database,
 * fast. The template (devenv_tpl_<key12>) is built once per key by running the
 * project's migrate and seed commands on the host against a scratch database
 * in the stack's Postgres; each run gets its own copy
 * (CREATE DATABASE copy TEMPLATE template, a file-level copy) exported as
 * `database.urlEnv`.
 *
 * Concurrency: the template is built under a private name and renamed into
 * place, so two processes building the same key never see a half-built
 * template (the loser of the rename drops its build); copies have unique names
 * that carry host, pid and creation time, so stale ones (crashed runs) are
 * dropped by whichever process looks next.
 */
import { randomBytes } from 'node:crypto';
import type { StackBackend } from '../../contracts/stack-backend.js';
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import { DevenvError } from '../../core/errors.js';
import {
  buildName,
  copyName,
  hostTag,
  staleDatabases,
  templateName,
  type Owner,
} from '../../core/testdb/database-names.js';
import {
  createCopy,
  createEmptyDatabase,
  dropDatabase,
  listDevenvDatabases,
  promoteBuild,
} from '../../core/testdb/sql.js';
import { templateInputs, templateKey } from '../../core/testdb/template-key.js';
import type { AppContext } from '../context.js';
import type { StackTarget } from '../stack-target.js';
import type { TestDatabaseLease, TestDatabaseProvider } from '../../contracts/test-database.js';
import { templateInputFiles } from './template-inputs.js';
import { databaseConnector, type DatabaseConnection } from './template-connection.js';
import { SqlError } from './template-psql.js';

export type DatabaseSettings = NonNullable<DevenvConfig['database']>;

export interface TemplateDatabaseOptions {
  /** The running stack whose Postgres holds the template and the copies. */
  target: StackTarget;
  /** devenv.yaml `database:`. */
  database: DatabaseSettings;
  /** Defaults to ctx.backend(). */
  backend?: StackBackend;
  /** Where migrate and seed run and inputs are found (default: the compose project's directory). */
  projectDir?: string;
  /** Copies and builds of other hosts, or of reused pids, are dropped after this age (default 24 h). */
  staleAfterMs?: number;
  /** Random suffixes of database names (injectable for tests). */
  randomId?: () => string;
}

export interface TemplateDatabaseProvider extends TestDatabaseProvider {
  /** How many templates this provider built (a reused template does not count). */
  readonly builds: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function abortError(): DevenvError {
  return new DevenvError('INTERRUPTED', 'The test database lease was cancelled.');
}

function sqlFailure(action: string, error: unknown): DevenvError {
  if (error instanceof DevenvError) return error;
  const detail = error instanceof SqlError ? error.output.trim().split('\n').slice(-10) : [];
  return new DevenvError(
    'DATABASE_ERROR',
    `Could not ${action}: ${error instanceof Error ? error.message : String(error)}`,
    {
      hint: 'Check the stack with `devenv ls` and the database logs with `devenv logs <database service>`.',
      details: detail,
      cause: error,
    },
  );
}

export function createTemplateDatabaseProvider(
  ctx: AppContext,
  options: TemplateDatabaseOptions,
): TemplateDatabaseProvider {
  const { target, database } = options;
  const projectDir = options.projectDir ?? target.project.workingDir;
  const urlEnv = database.urlEnv || 'DATABASE_URL';
  const randomId = options.randomId ?? (() => randomBytes(3).toString('hex'));
  const self = { hostTag: hostTag(ctx.host.hostname), pid: ctx.host.pid };
  const staleAfterMs = options.staleAfterMs ?? DAY_MS;

  let key: Promise<string> | undefined;
  let sweptOnce = false;
  const building = new Map<string, Promise<void>>();
  let builds = 0;

  const owner = (): Owner => ({ ...self, createdAt: ctx.clock.now() });
  const connect = databaseConnector(ctx, {
    target,
    database,
    urlEnv,
    ...(options.backend ? { backend: options.backend } : {}),
  });

  async function computeKey(): Promise<string> {
    const files = await templateInputFiles(projectDir, templateInputs(database.inputs));
    return templateKey({ files, migrate: database.migrate, seed: database.seed });
  }

  /** The key, computed on the first lease and again after invalidate(). */
  async function currentKey(): Promise<string> {
    const pending = (key ??= computeKey());
    try {
      return await pending;
    } catch (error) {
      if (key === pending) key = undefined;
      throw error;
    }
  }

  async function sweep(connection: DatabaseConnection, currentTemplate?: string): Promise<void> {
    const names = await connection.admin.run([listDevenvDatabases]).catch((error: unknown) => {
      throw sqlFailure('list the test databases', error);
    });
    const stale = staleDatabases(names, {
      self,
      isProcessAlive: (pid) => ctx.host.isProcessAlive(pid),
      now: ctx.clock.now(),
      staleAfterMs,
      ...(currentTemplate !== undefined ? { currentTemplate } : {}),
    });
    for (const { name, reason } of stale) {
      // Another process may be cloning an old template or dropping the same copy: not our failure.
      await connection.admin.run(dropDatabase(name)).then(
        () => ctx.emit({ type: 'info', message: `test database: dropped ${name} (${reason})` }),
        () => undefined,
      );
    }
  }

  async function runCommand(
    kind: 'migrate' | 'seed',
    command: string,
    env: Record<string, string | undefined>,
    signal: AbortSignal,
  ): Promise<void> {
    const ended = await ctx.runCommand({
      label: `The test database's ${kind} command`,
      command,
      cwd: projectDir,
      env,
      signal,
      hint: `Fix it and save: the template is rebuilt on the next run. It runs in ${projectDir} with ${urlEnv} pointing at a scratch database.`,
    });
    if (ended === 'aborted') throw abortError();
  }

  async function buildTemplate(
    connection: DatabaseConnection,
    fullKey: string,
    template: string,
    signal: AbortSignal,
  ): Promise<void> {
    const started = ctx.clock.now();
    const scratch = buildName(fullKey, owner(), randomId());
    ctx.emit({ type: 'info', message: `test database: building template ${template} (inputs changed)` });
    await connection.admin.run(createEmptyDatabase(scratch)).catch((error: unknown) => {
      throw sqlFailure(`create the scratch database ${scratch}`, error);
    });
    let promoted = false;
    try {
      const env = { ...ctx.env, ...connection.stackEnv, [urlEnv]: connection.urlFor(scratch) };
      if (database.migrate) await runCommand('migrate', database.migrate, env, signal);
      if (database.seed) await runCommand('seed', database.seed, env, signal);
      const comment = `devenv test database template; key ${fullKey}; built ${new Date(ctx.clock.now()).toISOString()}`;
      try {
        await connection.admin.run(promoteBuild(scratch, template, comment));
        promoted = true;
        builds++;
      } catch (error) {
        // Another process finished the same key first: use theirs.
        if (!(error instanceof SqlError && /already exists/.test(error.message)))
          throw sqlFailure(`rename ${scratch} to ${template}`, error);
      }
    } finally {
      if (!promoted) await connection.admin.run(dropDatabase(scratch)).catch(() => undefined);
    }
    if (promoted) {
      ctx.emit({
        type: 'info',
        message: `test database: template ${template} ready in ${ctx.clock.now() - started} ms`,
      });
      await sweep(connection, template);
    }
  }

  /** One build per key at a time in this process; other processes are handled by the rename. */
  function ensureTemplate(
    connection: DatabaseConnection,
    fullKey: string,
    template: string,
    signal: AbortSignal,
  ): Promise<void> {
    let pending = building.get(template);
    if (!pending) {
      pending = buildTemplate(connection, fullKey, template, signal).finally(() => building.delete(template));
      building.set(template, pending);
    }
    return pending;
  }

  async function cloneTemplate(
    connection: DatabaseConnection,
    copy: string,
    template: string,
  ): Promise<'ok' | 'missing'> {
    try {
      await connection.admin.run(createCopy(copy, template));
      return 'ok';
    } catch (error) {
      if (
        error instanceof SqlError &&
        /does not exist/.test(error.message) &&
        error.message.includes(template)
      )
        return 'missing';
      throw sqlFailure(`copy ${template} into ${copy}`, error);
    }
  }

  return {
    get builds() {
      return builds;
    },

    invalidate() {
      key = undefined;
    },

    async lease(runId: string, signal: AbortSignal): Promise<TestDatabaseLease> {
      if (signal.aborted) throw abortError();
      const connection = await connect();
      if (!sweptOnce) {
        sweptOnce = true;
        await sweep(connection);
      }
      let fullKey = await currentKey();
      const copy = copyName(owner(), randomId(), runId);
      for (let attempt = 0; ; attempt++) {
        if (signal.aborted) throw abortError();
        if ((await cloneTemplate(connection, copy, templateName(fullKey))) === 'ok') break;
        if (attempt >= 2)
          throw new DevenvError(
            'DATABASE_ERROR',
            `The test database template ${templateName(fullKey)} keeps disappearing.`,
            {
              hint: 'Another devenv process with different migrations uses the same stack; give it its own branch (--branch).',
            },
          );
        // Missing: build it, from a key computed now (the files may have changed since the cached one).
        key = undefined;
        fullKey = await currentKey();
        await ensureTemplate(connection, fullKey, templateName(fullKey), signal).catch((error: unknown) => {
          // A shared build cancelled by another lease's signal: this lease builds again.
          if (!(error instanceof DevenvError && error.code === 'INTERRUPTED' && !signal.aborted)) throw error;
        });
      }
      let released = false;
      const release = async (): Promise<void> => {
        if (released) return;
        released = true;
        await connection.admin.run(dropDatabase(copy)).catch((error: unknown) => {
          throw sqlFailure(`drop the test database ${copy}`, error);
        });
      };
      if (signal.aborted) {
        await release();
        throw abortError();
      }
      return { env: { [urlEnv]: connection.urlFor(copy) }, release };
    },
  };
}
