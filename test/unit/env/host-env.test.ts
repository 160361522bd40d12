import { describe, expect, it } from 'vitest';
import type { ComposeProject, ServiceSpec } from '../../../src/core/compose/model.js';
import { hostEnvironment, rewriteValue } from '../../../src/core/env/host-env.js';
import { serviceHosts, stackHostEnv } from '../../../src/app/stack-host-env.js';
import type { StackTarget } from '../../../src/app/stack-target.js';
import type { EngineInfo } from '../../../src/contracts/engine.js';
import { composeProject, serviceSpec } from '../../support/service-spec.js';

function service(
  name: string,
  environment: Record<string, string | null>,
  dependsOn: string[] = [],
): ServiceSpec {
  return serviceSpec(name, {
    environment,
    dependsOn: Object.fromEntries(
      dependsOn.map((d) => [d, { condition: 'service_started' as const, required: true, restart: false }]),
    ),
  });
}

const published = {
  postgres: [{ containerPort: 5432, protocol: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 49153 }],
  redis: [{ containerPort: 6379, protocol: 'tcp' as const, hostIp: '127.0.0.1', hostPort: 49154 }],
};

describe('host environment', () => {
  it('rewrites service:port inside URLs to the published loopback address', () => {
    const input = { publishedHost: '127.0.0.1', published };
    expect(rewriteValue('postgresql://user:pass@postgres:5432/myapp_dev', input)).toBe(
      'postgresql://user:pass@127.0.0.1:49153/myapp_dev',
    );
    expect(rewriteValue('redis://redis:6379', input)).toBe('redis://127.0.0.1:49154');
    expect(rewriteValue('redis://redis', input)).toBe('redis://127.0.0.1:49154');
    expect(rewriteValue('postgres:5432,redis:6379', input)).toBe('127.0.0.1:49153,127.0.0.1:49154');
  });

  it('leaves unrelated text alone', () => {
    const input = { publishedHost: '127.0.0.1', published };
    expect(rewriteValue('mypostgres:5432', input)).toBe('mypostgres:5432');
    expect(rewriteValue('postgres:5433', input)).toBe('postgres:5433');
    expect(rewriteValue('debug', input)).toBe('debug');
  });

  it('builds the seed stack view with SERVICE_HOST/PORT and app values winning', () => {
    const project: ComposeProject = {
      name: 'myapp',
      workingDir: '/p',
      files: ['/p/compose.yaml'],
      services: {
        app: service(
          'app',
          {
            DATABASE_URL: 'postgresql://user:pass@postgres:5432/myapp_dev',
            REDIS_URL: 'redis://redis:6379',
            LOG_LEVEL: 'debug',
            UNSET: null,
          },
          ['postgres', 'redis'],
        ),
        postgres: service('postgres', {
          POSTGRES_USER: 'user',
          POSTGRES_PASSWORD: 'pass',
          POSTGRES_DB: 'myapp_dev',
          LOG_LEVEL: 'info',
        }),
        redis: service('redis', {}),
      },
      networks: {},
      volumes: {},
      secrets: {},
      configs: {},
      extensions: {},
    };
    const env = hostEnvironment({
      project,
      publishedHost: '127.0.0.1',
      published,
      extra: { DEVENV_STACK: 's' },
    });
    expect(env).toEqual({
      DATABASE_URL: 'postgresql://user:pass@127.0.0.1:49153/myapp_dev',
      REDIS_URL: 'redis://127.0.0.1:49154',
      LOG_LEVEL: 'debug',
      POSTGRES_USER: 'user',
      POSTGRES_PASSWORD: 'pass',
      POSTGRES_DB: 'myapp_dev',
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: '49153',
      POSTGRES_PORT_5432: '49153',
      REDIS_HOST: '127.0.0.1',
      REDIS_PORT: '49154',
      REDIS_PORT_6379: '49154',
      DEVENV_STACK: 's',
    });
  });

  it('rewrites KEY_HOST=service with its KEY_PORT', () => {
    const project = composeProject({
      services: { app: service('app', { DB_HOST: 'postgres', DB_PORT: '5432' }) },
    });
    const env = hostEnvironment({ project, publishedHost: '127.0.0.1', published, extra: {} });
    expect(env['DB_HOST']).toBe('127.0.0.1');
    expect(env['DB_PORT']).toBe('49153');
  });

  it("puts each service at its own host (a swarm task's node): HOST, URLs and KEY_HOST pairs", () => {
    const project = composeProject({
      services: {
        app: service(
          'app',
          {
            DATABASE_URL: 'postgresql://user:pass@postgres:5432/db',
            REDIS_URL: 'redis://redis',
            DB_HOST: 'postgres',
            DB_PORT: '5432',
          },
          ['postgres', 'redis'],
        ),
        postgres: service('postgres', {}),
        redis: service('redis', {}),
        sidecar: serviceSpec('sidecar', { networkMode: 'service:postgres' }),
      },
    });
    const env = hostEnvironment({
      project,
      publishedHost: '127.0.0.1',
      published: { ...published, sidecar: [] },
      serviceHosts: { postgres: '10.232.0.3', redis: '10.232.0.2' },
      extra: {},
    });
    expect(env).toMatchObject({
      DATABASE_URL: 'postgresql://user:pass@10.232.0.3:49153/db',
      REDIS_URL: 'redis://10.232.0.2:49154',
      DB_HOST: '10.232.0.3',
      DB_PORT: '49153',
      POSTGRES_HOST: '10.232.0.3',
      REDIS_HOST: '10.232.0.2',
      // Sharing postgres's network: reached through postgres's ports, on its node.
      SIDECAR_HOST: '10.232.0.3',
      SIDECAR_PORT: '49153',
    });
  });
});

describe('stack host environment (app/stack-host-env.ts)', () => {
  const port = (hostIp: string, hostPort: number, containerPort = 5432) => ({
    containerPort,
    protocol: 'tcp' as const,
    hostIp,
    hostPort,
  });

  it("takes each service's host from where its ports are reached", () => {
    expect(
      serviceHosts('127.0.0.1', [
        { service: 'postgres', ports: [port('10.232.0.3', 30001)] },
        { service: 'redis', ports: [port('10.232.0.2', 30002, 6379)] },
        // A task on the manager's own node: its published host.
        { service: 'cache', ports: [port('127.0.0.1', 30003, 6379)] },
        { service: 'web', ports: [port('0.0.0.0', 8080, 80), port('::', 8080, 80)] },
        { service: 'worker', ports: [] },
      ]),
    ).toEqual({
      postgres: '10.232.0.3',
      redis: '10.232.0.2',
      cache: '127.0.0.1',
      web: '127.0.0.1',
    });
  });

  it("with a service's replicas on several nodes, its host is that of the port _PORT names (the first)", () => {
    const hosts = serviceHosts('127.0.0.1', [
      { service: 'api', ports: [port('10.232.0.2', 30001, 80), port('10.232.0.3', 30002, 80)] },
    ]);
    expect(hosts).toEqual({ api: '10.232.0.2' });
  });

  it('a remote engine: loopback-bound ports are reached at its published host', () => {
    expect(serviceHosts('engine.example', [{ service: 'db', ports: [port('127.0.0.1', 5000)] }])).toEqual({
      db: 'engine.example',
    });
  });

  it('stackHostEnv gives each swarm service the address of the node its task runs on', () => {
    const project = composeProject({
      services: {
        app: service('app', { DATABASE_URL: 'postgresql://u:p@postgres:5432/db' }, ['postgres']),
        postgres: service('postgres', {}),
      },
    });
    const target = {
      project,
      identity: { name: 's', branch: 'b', project: 'p', environment: 'dev' },
    } as unknown as StackTarget;
    const info = { publishedHost: '127.0.0.1' } as EngineInfo;
    const env = stackHostEnv(target, info, [
      { service: 'postgres', ports: [port('10.232.0.3', 30001)] },
      { service: 'app', ports: [port('127.0.0.1', 30002, 3000)] },
    ]);
    expect(env).toMatchObject({
      POSTGRES_HOST: '10.232.0.3',
      POSTGRES_PORT: '30001',
      APP_HOST: '127.0.0.1',
      DATABASE_URL: 'postgresql://u:p@10.232.0.3:30001/db',
    });
  });
});
