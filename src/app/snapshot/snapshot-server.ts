/**
 * The stack's Postgres as `devenv db snapshot` reaches it: the stack the
 * command addresses, its database service (devenv.yaml `database.service`,
 * else the template's one Postgres service), running, and an admin session
 * to it, over the test databases' connector (app/testing/template-connection.ts:
 * a connection from the host to the published port, or psql in the
 * container where the host cannot connect).
 */
import type { SqlSession } from '../../contracts/sql-session.js';
import { DevenvError } from '../../core/errors.js';
import { databaseService, urlDatabase } from '../../core/snapshot/database-service.js';
import type { AppContext } from '../context.js';
import { resolveStackTarget, type StackOptions, type StackTarget } from '../stack-target.js';
import { databaseConnector, type DatabaseConnection } from '../testing/template-connection.js';
import { psqlSession } from '../testing/template-psql.js';

export interface SnapshotServer {
  stack: string;
  service: string;
  /** A session in the maintenance database (postgres). */
  session: SqlSession;
  /**
   * A session to change `database` from: the maintenance session, or for `postgres` itself
   * (the official image's database when POSTGRES_DB is not set) one in template1.
   */
  sessionFor(database: string): Promise<SqlSession>;
  /** The database snapshots are taken of by default: the one database.urlEnv names, else POSTGRES_DB. */
  database: string;
}

export interface SnapshotTarget {
  target: StackTarget;
  service: string;
  urlEnv: string;
}

const DEFAULT_URL_ENV = 'DATABASE_URL';

export async function resolveSnapshotTarget(ctx: AppContext, options: StackOptions): Promise<SnapshotTarget> {
  // The engine connects while the template is read (half a second each, cold): an unreachable
  // engine is reported where the stack is observed.
  ctx.backend().catch(() => undefined);
  const target = await resolveStackTarget(ctx, options);
  const configured = ctx.project.devenvConfig(ctx.cwd).database;
  return {
    target,
    service: databaseService(target.project, configured?.service),
    urlEnv: configured?.urlEnv || DEFAULT_URL_ENV,
  };
}

/** `devenv up -d` with the flags that name this stack. */
function upCommand(options: StackOptions): string {
  const flags = [
    ...(options.files ?? []).map((file) => `-f ${file}`),
    ...(options.stack !== undefined ? [`--stack ${options.stack}`] : []),
    ...(options.branch !== undefined ? [`--branch ${options.branch}`] : []),
    ...(options.environment !== undefined && options.environment !== 'dev'
      ? [`--env ${options.environment}`]
      : []),
  ];
  return ['devenv up -d', ...flags].join(' ');
}

/** Runs `use` with a session to the stack's running Postgres; closes it after. */
export async function withSnapshotServer<T>(
  ctx: AppContext,
  options: StackOptions,
  resolved: SnapshotTarget,
  use: (server: SnapshotServer) => Promise<T>,
): Promise<T> {
  const { target, service, urlEnv } = resolved;
  const stack = target.identity.name;
  const backend = await ctx.backend();
  const { containers } = await backend.observe(stack);
  const running = containers.find((c) => c.facts.service === service && c.state === 'running');
  if (!running) {
    const state = containers.find((c) => c.facts.service === service)?.state;
    throw new DevenvError(
      'STACK_NOT_FOUND',
      containers.length === 0
        ? `Stack ${stack} is not running: its database service "${service}" has no container.`
        : `The database service "${service}" of stack ${stack} is not running${state ? ` (${state})` : ''}.`,
      { hint: `Start the stack with \`${upCommand(options)}\`, then run this again.` },
    );
  }
  const connector = databaseConnector(ctx, {
    target,
    database: { service, urlEnv, inputs: [] },
    urlEnv,
    backend,
  });
  let aside: Promise<SqlSession> | undefined;
  try {
    const connection = await connector.connect();
    const fromUrl = connection.stackEnv[urlEnv];
    const database =
      (fromUrl === undefined ? undefined : urlDatabase(fromUrl)) ?? connection.credentials.database;
    const sessionFor = (changed: string) =>
      changed === MAINTENANCE_DATABASE
        ? (aside ??= sessionIn(ctx, connection, ASIDE_DATABASE))
        : Promise.resolve(connection.admin);
    return await use({ stack, service, session: connection.admin, sessionFor, database });
  } finally {
    await aside?.then((session) => session.close()).catch(() => undefined);
    await connector.close();
  }
}

const MAINTENANCE_DATABASE = 'postgres';
const ASIDE_DATABASE = 'template1';

/** A session in another database of the server, reached the way the connection reaches it (from the host, or psql). */
async function sessionIn(
  ctx: AppContext,
  connection: DatabaseConnection,
  database: string,
): Promise<SqlSession> {
  const { backend, container, credentials } = connection;
  const port = container.ports.find((p) => p.containerPort === 5432 && p.protocol === 'tcp');
  if (connection.via === 'psql' || !port) return psqlSession(backend, container.id, credentials, database);
  const { host, port: hostPort } = backend.reachable(port);
  return ctx.sqlSession(
    { host, port: hostPort, user: credentials.user, password: credentials.password, database },
    { applicationName: 'devenv-snapshot' },
  );
}
