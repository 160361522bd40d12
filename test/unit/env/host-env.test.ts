import { describe, expect, it } from 'vitest';
import type { ComposeProject, ServiceSpec } from '../../../src/core/compose/model.js';
import { hostEnvironment, rewriteValue } from '../../../src/core/env/host-env.js';
import { serviceSpec } from '../../support/service-spec.js';

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
    const project: ComposeProject = {
      name: 'p',
      workingDir: '/p',
      files: [],
      networks: {},
      volumes: {},
      secrets: {},
      configs: {},
      extensions: {},
      services: { app: service('app', { DB_HOST: 'postgres', DB_PORT: '5432' }) },
    };
    const env = hostEnvironment({ project, publishedHost: '127.0.0.1', published, extra: {} });
    expect(env['DB_HOST']).toBe('127.0.0.1');
    expect(env['DB_PORT']).toBe('49153');
  });
});
