/**
 * The stack's Postgres as the template-database machinery reaches it: the
 * running container of devenv.yaml's `database.service`, two admin sessions
 * (one for leases and builds, one for the background work, so a refill or a
 * drop never delays a lease), the stack's host environment, and the URL of
 * any database in that server as the host sees it.
 *
 * The sessions are wire-protocol connections from the host to the published
 * port (ctx.sqlSession), as the superuser the container declares; they are
 * kept while they are open, so a lease asks neither the engine nor the
 * container anything (a live connection proves the same server is there).
 * Where the host cannot connect (no published port, a remote engine behind a
 * firewall, a login refused over TCP), statements run with psql inside the
 * container instead, and the container is looked up again on each call.
 */
import type { ContainerStatus, EngineInfo } from '../../contracts/engine.js';
import type { SqlSession } from '../../contracts/sql-session.js';
import type { StackBackend } from '../../contracts/stack-backend.js';
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import { DevenvError } from '../../core/errors.js';
import { postgresUrl, withDatabase } from '../../core/testdb/database-url.js';
import type { AppContext } from '../context.js';
import { stackHostEnv } from '../stack-host-env.js';
import type { StackTarget } from '../stack-target.js';
import { containerCredentials, psqlSession, type PostgresCredentials } from './template-psql.js';

export interface DatabaseConnection {
  backend: StackBackend;
  info: EngineInfo;
  container: ContainerStatus;
  credentials: PostgresCredentials;
  /** Leases and template builds. */
  admin: SqlSession;
  /** Refills, drops and sweeps (the same session as admin for psql). */
  background: SqlSession;
  /** 'wire': connections from the host, kept; 'psql': exec in the container per call. */
  via: 'wire' | 'psql';
  /** The stack's host environment (DATABASE_URL etc. rewritten to published ports). */
  stackEnv: Record<string, string>;
  /** The URL of database `name` in this server, as the host reaches it. */
  urlFor(name: string): string;
}

export interface DatabaseConnectorOptions {
  target: StackTarget;
  database: NonNullable<DevenvConfig['database']>;
  /** The variable that holds the database URL (database.urlEnv). */
  urlEnv: string;
  /** Defaults to ctx.backend(). */
  backend?: StackBackend;
}

export interface DatabaseConnector {
  /** The kept connection while its sessions are open, else a new one. */
  connect(): Promise<DatabaseConnection>;
  /** Forgets the kept connection (its session was lost): the next connect() looks the container up again. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const POSTGRES_PORT = 5432;

function publishedPort(container: ContainerStatus) {
  return container.ports.find((p) => p.containerPort === POSTGRES_PORT && p.protocol === 'tcp');
}

/**
 * The URL of database `name` in the stack's Postgres as the host reaches it: the stack's own
 * `urlEnv` pointed at that database, else one made from the published port and the superuser.
 */
export function databaseUrlFor(
  where: Pick<DatabaseConnection, 'stackEnv' | 'container' | 'credentials' | 'info'> & {
    urlEnv: string;
    service: string;
  },
  name: string,
): string {
  const fromStack = where.stackEnv[where.urlEnv];
  const swapped = fromStack === undefined ? undefined : withDatabase(fromStack, name);
  if (swapped !== undefined) return swapped;
  const port = publishedPort(where.container);
  if (!port)
    throw new DevenvError(
      'SERVICE_NOT_FOUND',
      `The database service "${where.service}" publishes no port for 5432, and ${where.urlEnv} is not set by the template.`,
      {
        hint: `Publish 5432 for "${where.service}" in the compose file, or set ${where.urlEnv} in its environment.`,
      },
    );
  const { user, password } = where.credentials;
  return postgresUrl({ user, password, host: where.info.publishedHost, port: port.hostPort, database: name });
}

export function databaseConnector(ctx: AppContext, options: DatabaseConnectorOptions): DatabaseConnector {
  const { target, database, urlEnv } = options;
  let credentials: { containerId: string; credentials: Promise<PostgresCredentials> } | undefined;
  /** Containers whose server the host could not log in to: psql from then on. */
  const psqlOnly = new Set<string>();
  let kept: DatabaseConnection | undefined;
  let connecting: Promise<DatabaseConnection> | undefined;

  function urlFor(
    connection: Pick<DatabaseConnection, 'stackEnv' | 'container' | 'credentials' | 'info'>,
    name: string,
  ): string {
    return databaseUrlFor({ ...connection, urlEnv, service: database.service }, name);
  }

  /** Two sessions from the host, or undefined (with a note) when the host cannot connect. */
  async function wireSessions(
    backend: StackBackend,
    container: ContainerStatus,
    login: PostgresCredentials,
  ): Promise<{ admin: SqlSession; background: SqlSession } | undefined> {
    if (psqlOnly.has(container.id)) return undefined;
    const port = publishedPort(container);
    const note = (why: string) => {
      psqlOnly.add(container.id);
      ctx.emit({
        type: 'info',
        message: `test database: statements run with psql in the container (${why})`,
      });
      return undefined;
    };
    if (!port) return note('5432 is not published');
    const { host, port: hostPort } = backend.reachable(port);
    const endpoint = {
      host,
      port: hostPort,
      user: login.user,
      password: login.password,
      database: 'postgres',
    };
    const opened = await Promise.allSettled([
      ctx.sqlSession(endpoint, { applicationName: 'devenv-testdb' }),
      ctx.sqlSession(endpoint, { applicationName: 'devenv-testdb-background' }),
    ]);
    const sessions = opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = opened.find((result) => result.status === 'rejected');
    if (failed || sessions.length < 2) {
      await Promise.all(sessions.map((session) => session.close()));
      const reason = failed?.reason instanceof Error ? failed.reason.message : String(failed?.reason);
      return note(`the host cannot connect to ${host}:${hostPort}: ${reason}`);
    }
    return { admin: sessions[0]!, background: sessions[1]! };
  }

  async function open(): Promise<DatabaseConnection> {
    const backend = options.backend ?? (await ctx.backend());
    const { info } = await ctx.engine();
    const { containers } = await backend.observe(target.identity.name);
    const container = containers.find((c) => c.facts.service === database.service && c.state === 'running');
    if (!container)
      throw new DevenvError(
        'SERVICE_NOT_FOUND',
        `The test database service "${database.service}" of stack "${target.identity.name}" is not running.`,
        {
          hint: 'Start the stack with `devenv up -d`, and check `database.service` in devenv.yaml names the Postgres service.',
        },
      );
    if (credentials?.containerId !== container.id)
      credentials = { containerId: container.id, credentials: containerCredentials(backend, container.id) };
    const login = await credentials.credentials;
    const stackEnv = stackHostEnv(
      target,
      info,
      containers.map((c) => ({ service: c.facts.service, ports: c.ports })),
    );
    const wire = await wireSessions(backend, container, login);
    const psql = wire ? undefined : psqlSession(backend, container.id, login);
    const parts = {
      backend,
      info,
      container,
      credentials: login,
      admin: wire?.admin ?? psql!,
      background: wire?.background ?? psql!,
      via: wire ? ('wire' as const) : ('psql' as const),
      stackEnv,
    };
    return { ...parts, urlFor: (name: string) => urlFor(parts, name) };
  }

  async function forget(connection: DatabaseConnection | undefined): Promise<void> {
    if (!connection) return;
    await Promise.all([connection.admin.close(), connection.background.close()]);
  }

  async function reset(): Promise<void> {
    const stale = kept;
    kept = undefined;
    await forget(stale);
  }

  return {
    async connect() {
      if (kept && kept.admin.open && kept.background.open) return kept;
      if (connecting) return connecting;
      const stale = kept;
      kept = undefined;
      connecting = (async () => {
        await forget(stale);
        const connection = await open();
        if (connection.via === 'wire') kept = connection;
        return connection;
      })().finally(() => {
        connecting = undefined;
      });
      return connecting;
    },
    reset,
    async close() {
      await connecting?.catch(() => undefined);
      await reset();
    },
  };
}
