import { describe, expect, it } from 'vitest';
import type { ComposeProject, ServiceSpec } from '../../../src/core/compose/model.js';
import type { ContainerRequest } from '../../../src/contracts/engine.js';
import { withFastPostgres } from '../../../src/core/plan/fast-postgres.js';
import { postgresCacheCandidate } from '../../../src/core/plan/postgres-data-cache.js';

function service(name: string, fields: Partial<ServiceSpec>): ServiceSpec {
  return { name, environment: {}, ports: [], volumes: [], ...fields } as unknown as ServiceSpec;
}

const project = {
  name: 'shop',
  services: {
    db: service('db', {
      image: 'devenv-test/postgres:15',
      volumes: [{ type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false }],
    }),
    other: service('other', { image: 'postgres:16', command: ['postgres', '-c', 'max_connections=50'] }),
    cache: service('cache', { image: 'devenv-test/redis:7' }),
  },
} as unknown as ComposeProject;

describe('postgres: fast', () => {
  const fast = withFastPostgres(project);

  it('puts Postgres data on a tmpfs and turns durability off; other services stay as written', () => {
    expect(fast.services['db']?.volumes).toEqual([{ type: 'tmpfs', target: '/var/lib/postgresql/data' }]);
    expect(fast.services['db']?.command).toEqual([
      'postgres',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ]);
    expect(fast.services['other']?.command?.slice(0, 3)).toEqual(['postgres', '-c', 'max_connections=50']);
    expect(fast.services['other']?.volumes).toEqual([{ type: 'tmpfs', target: '/var/lib/postgresql/data' }]);
    expect(fast.services['cache']).toBe(project.services['cache']);
  });

  it('is never a data cache candidate (a fast cache is never handed to a normal stack)', () => {
    const request = {
      image: 'devenv-test/postgres:15',
      env: {},
      mounts: [{ type: 'tmpfs', target: '/var/lib/postgresql/data' }],
    } as unknown as ContainerRequest;
    expect(postgresCacheCandidate(request, 'devenv-test/postgres:15', new Set())).toBeUndefined();
  });
});
