/**
 * The stack's database as the `devenv db` commands reach it: the running
 * container of devenv.yaml's `database.service` (else of the template's one
 * Postgres service, as `db snapshot` finds it), its superuser, the name of
 * the stack's database (the one the stack's `database.urlEnv` names, else
 * POSTGRES_DB), SQL run by psql inside that container on a database that is
 * never the stack's own, and client programs (pg_dump, pg_restore, psql)
 * execed there with streamed input and output. Everything goes through the
 * stack backend: the engine may be remote, and the host needs no Postgres
 * tools. Only the project's own seed command runs on the host, with the URL
 * the host reaches the database at.
 */
import type { ContainerStatus, EngineInfo } from '../../contracts/engine.js';
import type { SqlSession } from '../../contracts/sql-session.js';
import type { StackBackend } from '../../contracts/stack-backend.js';
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import { maintenanceDatabase } from '../../core/data/database-swap.js';
import { DevenvError } from '../../core/errors.js';
import { databaseService, urlDatabase } from '../../core/snapshot/database-service.js';
import { DEFAULT_TEMPLATE_INPUTS } from '../../core/testdb/template-key.js';
import type { AppContext } from '../context.js';
import { stackHostEnv } from '../stack-host-env.js';
import { resolveStackTarget, type StackOptions, type StackTarget } from '../stack-target.js';
import { databaseUrlFor } from '../testing/template-connection.js';
import { containerCredentials, psqlSession, type PostgresCredentials } from '../testing/template-psql.js';

export type DatabaseSettings = NonNullable<DevenvConfig['database']>;

export interface StackDatabase {
  target: StackTarget;
  settings: DatabaseSettings;
  urlEnv: string;
  backend: StackBackend;
  info: EngineInfo;
  /** The running container of `database.service`. */
  container: ContainerStatus;
  credentials: PostgresCredentials;
  /** The stack's database: what the stack's urlEnv names, else the container's POSTGRES_DB. */
  name: string;
  /** The stack's host environment (the seed command's, with urlEnv pointed where it should work). */
  stackEnv: Record<string, string>;
  /**
   * SQL on a maintenance database (never `name`): over a connection from the host to the
   * published port, else by psql in the container (one exec per run).
   */
  admin: SqlSession;
  /** Ends the admin session. */
  close(): Promise<void>;
  /** The URL of database `database` of this server as the host reaches it. */
  hostUrl(database: string): string;
}

const POSTGRES_PORT = 5432;

export async function openStackDatabase(ctx: AppContext, options: StackOptions): Promise<StackDatabase> {
  // The engine connects while the template is read; an unreachable one is reported where it is used.
  ctx.backend().catch(() => undefined);
  const target = await resolveStackTarget(ctx, options);
  const configured = ctx.project.devenvConfig(ctx.cwd).database;
  // devenv.yaml's database.service, else the template's one Postgres service (as db snapshot finds it).
  const service = databaseService(target.project, configured?.service);
  const settings: DatabaseSettings = configured ?? {
    service,
    urlEnv: 'DATABASE_URL',
    inputs: [...DEFAULT_TEMPLATE_INPUTS],
  };
  const urlEnv = settings.urlEnv || 'DATABASE_URL';
  const backend = await ctx.backend();
  const { info } = await ctx.engine();
  const stack = target.identity.name;
  ctx.emit({
    type: 'stack.resolved',
    stack,
    project: target.identity.project,
    branch: target.identity.branch,
    owner: target.identity.owner,
    environment: target.identity.environment,
    services: Object.keys(target.project.services).sort(),
    endpoint: info.endpoint,
  });
  const { containers } = await backend.observe(stack);
  if (containers.length === 0)
    throw new DevenvError('STACK_NOT_FOUND', `Stack ${stack} is not running on ${info.endpoint}.`, {
      hint: `Start it with \`devenv up -d\`${target.identity.environment === 'dev' ? '' : ` --env ${target.identity.environment}`} (\`devenv ls\` lists the stacks there).`,
    });
  const container = containers.find((c) => c.facts.service === service && c.state === 'running');
  if (!container)
    throw new DevenvError(
      'SERVICE_NOT_FOUND',
      `The database service "${service}" of stack ${stack} is not running.`,
      {
        hint: 'Start it with `devenv up -d`, and look at `devenv logs ' + service + '` if it stopped.',
      },
    );
  const credentials = await containerCredentials(backend, container.id);
  const stackEnv = stackHostEnv(
    target,
    info,
    containers.map((c) => ({ service: c.facts.service, ports: c.ports })),
  );
  const fromStack = stackEnv[urlEnv];
  const name = (fromStack === undefined ? undefined : urlDatabase(fromStack)) ?? credentials.database;
  const where = { stackEnv, container, credentials, info, urlEnv, service };
  // Opened on first use: dump and seed need none.
  let opened: Promise<SqlSession> | undefined;
  const session = () =>
    (opened ??= adminSession(ctx, backend, container, credentials, maintenanceDatabase(name)));
  const admin: SqlSession = {
    open: true,
    run: async (statements) => (await session()).run(statements),
    close: async () => {
      const current = await opened?.catch(() => undefined);
      await current?.close();
    },
  };
  return {
    target,
    settings,
    urlEnv,
    backend,
    info,
    container,
    credentials,
    name,
    stackEnv,
    admin,
    close: () => admin.close(),
    hostUrl: (database) => databaseUrlFor(where, database),
  };
}

/**
 * A session from the host when it can reach the published port (a statement is then a round trip,
 * not an exec), else psql in the container, saying why.
 */
async function adminSession(
  ctx: AppContext,
  backend: StackBackend,
  container: ContainerStatus,
  credentials: PostgresCredentials,
  database: string,
): Promise<SqlSession> {
  const published = container.ports.find((p) => p.containerPort === POSTGRES_PORT && p.protocol === 'tcp');
  if (published) {
    const { host, port } = backend.reachable(published);
    try {
      return await ctx.sqlSession(
        { host, port, user: credentials.user, password: credentials.password, database },
        { applicationName: 'devenv-db' },
      );
    } catch (error) {
      ctx.emit({
        type: 'info',
        message: `database: statements run with psql in the container (the host cannot connect to ${host}:${port}: ${error instanceof Error ? error.message : String(error)})`,
      });
    }
  }
  return psqlSession(backend, container.id, credentials, database);
}

/** Opens the stack's database for `use`, and closes its session after, however `use` ends. */
export async function withStackDatabase<T>(
  ctx: AppContext,
  options: StackOptions,
  use: (db: StackDatabase) => Promise<T>,
): Promise<T> {
  const db = await openStackDatabase(ctx, options);
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}
