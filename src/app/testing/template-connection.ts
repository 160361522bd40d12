/**
 * The stack's Postgres as the template-database machinery reaches it: the
 * running container of devenv.yaml's `database.service`, an admin session
 * (psql through the engine's exec, kept per container), the stack's host
 * environment, and the URL of any database in that server as the host sees it.
 */
import type { ContainerStatus, EngineInfo } from '../../contracts/engine.js';
import type { StackBackend } from '../../contracts/stack-backend.js';
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import { DevenvError } from '../../core/errors.js';
import { postgresUrl, withDatabase } from '../../core/testdb/database-url.js';
import type { AppContext } from '../context.js';
import { stackHostEnv } from '../stack-host-env.js';
import type { StackTarget } from '../stack-target.js';
import { postgresAdmin, type PostgresAdmin } from './template-psql.js';

export interface DatabaseConnection {
  backend: StackBackend;
  info: EngineInfo;
  container: ContainerStatus;
  admin: PostgresAdmin;
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

/** Connects anew on each call (the container may have been recreated); the admin session is kept per container. */
export function databaseConnector(
  ctx: AppContext,
  options: DatabaseConnectorOptions,
): () => Promise<DatabaseConnection> {
  const { target, database, urlEnv } = options;
  let admin: { containerId: string; admin: Promise<PostgresAdmin> } | undefined;

  function urlFor(connection: Omit<DatabaseConnection, 'urlFor'>, name: string): string {
    const fromStack = connection.stackEnv[urlEnv];
    const swapped = fromStack === undefined ? undefined : withDatabase(fromStack, name);
    if (swapped !== undefined) return swapped;
    const port = connection.container.ports.find((p) => p.containerPort === 5432 && p.protocol === 'tcp');
    if (!port)
      throw new DevenvError(
        'SERVICE_NOT_FOUND',
        `The test database service "${database.service}" publishes no port for 5432, and ${urlEnv} is not set by the template.`,
        {
          hint: `Publish 5432 for "${database.service}" in the compose file, or set ${urlEnv} in its environment.`,
        },
      );
    const { user, password } = connection.admin.credentials;
    return postgresUrl({
      user,
      password,
      host: connection.info.publishedHost,
      port: port.hostPort,
      database: name,
    });
  }

  return async () => {
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
    if (admin?.containerId !== container.id)
      admin = { containerId: container.id, admin: postgresAdmin(backend, container.id) };
    const stackEnv = stackHostEnv(
      target,
      info,
      containers.map((c) => ({ service: c.facts.service, ports: c.ports })),
    );
    const connection = { backend, info, container, admin: await admin.admin, stackEnv };
    return { ...connection, urlFor: (name: string) => urlFor(connection, name) };
  };
}
