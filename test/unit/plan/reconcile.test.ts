import { describe, expect, it } from 'vitest';
import type { ContainerStatus } from '../../../src/contracts/engine.js';
import { planText, reconcile } from '../../../src/core/plan/reconcile.js';
import { observedContainer, type ObservedContainer } from '../../../src/core/stack/label-facts.js';

function container(
  service: string,
  hash: string,
  state: ContainerStatus['state'] = 'running',
  exitCode?: number,
): ObservedContainer {
  return observedContainer({
    id: `id-${service}`,
    name: `s-${service}-1`,
    image: 'img',
    labels: { 'dev.devenv.stack': 's', 'dev.devenv.service': service, 'dev.devenv.config-hash': hash },
    state,
    health: 'none',
    healthLog: [],
    ports: [],
    createdAt: '',
    restartCount: 0,
    ...(exitCode !== undefined ? { exitCode } : {}),
  });
}

const desired = {
  services: [
    { name: 'app', configHash: 'h-app' },
    { name: 'postgres', configHash: 'h-pg' },
    { name: 'redis', configHash: 'h-redis' },
  ],
  networks: ['s_default'],
  volumes: ['s_postgres-data'],
};

describe('reconcile', () => {
  it('creates everything for a new stack', () => {
    expect(planText(reconcile(desired, { containers: [], networks: [], volumes: [] }))).toEqual([
      'network:s_default CreateNetwork (not found)',
      'volume:s_postgres-data CreateVolume (not found)',
      'service:app CreateService (not found)',
      'service:postgres CreateService (not found)',
      'service:redis CreateService (not found)',
    ]);
  });

  it('keeps unchanged services, recreates changed ones, removes services gone from the template', () => {
    const observed = {
      containers: [
        container('app', 'old'),
        container('postgres', 'h-pg'),
        container('redis', 'h-redis', 'exited', 137),
        container('worker', 'h-w'),
      ],
      networks: [
        { id: 'n1', name: 's_default', labels: {} },
        { id: 'n2', name: 's_backend', labels: {} },
      ],
      volumes: [{ id: 'v1', name: 's_postgres-data', labels: {} }],
    };
    expect(planText(reconcile(desired, observed))).toEqual([
      'service:app RecreateService s-app-1 (config changed (old -> h-app))',
      'service:postgres KeepService s-postgres-1 (config unchanged, running)',
      'service:redis StartService s-redis-1 (config unchanged, exited)',
      'service:worker RemoveContainer s-worker-1 (service no longer in the template)',
      'network:s_backend RemoveNetwork (no longer in the template)',
    ]);
  });

  it('keeps a one-shot service that completed', () => {
    const observed = { containers: [container('app', 'h-app', 'exited', 0)], networks: [], volumes: [] };
    const steps = planText(
      reconcile(
        {
          services: [{ name: 'app', configHash: 'h-app', runsToCompletion: true }],
          networks: [],
          volumes: [],
        },
        observed,
      ),
    );
    expect(steps).toEqual(['service:app KeepService s-app-1 (config unchanged, completed)']);
  });

  it('starts a long-running service again that exited with code 0 (redis on SIGTERM, an engine restart)', () => {
    const observed = { containers: [container('redis', 'h-redis', 'exited', 0)], networks: [], volumes: [] };
    const steps = planText(
      reconcile(
        { services: [{ name: 'redis', configHash: 'h-redis' }], networks: [], volumes: [] },
        observed,
      ),
    );
    expect(steps).toEqual(['service:redis StartService s-redis-1 (config unchanged, exited)']);
  });

  it('removes duplicate containers of one service', () => {
    const second = { ...container('app', 'h-app'), id: 'dup', name: 's-app-2' };
    const observed = { containers: [container('app', 'h-app'), second], networks: [], volumes: [] };
    expect(
      planText(
        reconcile({ services: [{ name: 'app', configHash: 'h-app' }], networks: [], volumes: [] }, observed),
      ),
    ).toEqual([
      'service:app RemoveContainer s-app-2 (duplicate container)',
      'service:app KeepService s-app-1 (config unchanged, running)',
    ]);
  });

  describe('duplicate networks (two processes created the same one)', () => {
    const net = (id: string, createdAt: string, name = 's_default') => ({ id, name, labels: {}, createdAt });
    const on = (c: ObservedContainer, ...networkIds: string[]): ObservedContainer => ({ ...c, networkIds });
    const one = { services: [{ name: 'app', configHash: 'h-app' }], networks: ['s_default'], volumes: [] };

    it('keeps the oldest and removes the other by id, before anything is created', () => {
      const observed = {
        containers: [],
        networks: [
          net('bbbbbbbbbbbb2222', '2024-01-01T00:00:02Z'),
          net('aaaaaaaaaaaa1111', '2024-01-01T00:00:01Z'),
        ],
        volumes: [],
      };
      const steps = reconcile(one, observed);
      expect(steps[0]).toEqual({
        action: 'RemoveNetwork',
        network: 's_default',
        id: 'bbbbbbbbbbbb2222',
        reason: 'duplicate; keeping aaaaaaaaaaaa',
        duplicate: true,
      });
      expect(planText(steps)).toEqual([
        'network:s_default RemoveNetwork bbbbbbbbbbbb (duplicate; keeping aaaaaaaaaaaa)',
        'service:app CreateService (not found)',
      ]);
    });

    it('keeps the one the containers are on, and moves a container off the removed one', () => {
      const observed = {
        containers: [on(container('app', 'h-app'), 'new'), on(container('postgres', 'h-pg'), 'old')],
        networks: [net('old', '2024-01-01T00:00:01Z'), net('new', '2024-01-01T00:00:02Z')],
        volumes: [],
      };
      const desiredTwo = { ...one, services: [...one.services, { name: 'postgres', configHash: 'h-pg' }] };
      const withThird = {
        ...observed,
        containers: [...observed.containers, on({ ...container('redis', 'h-redis') }, 'new')],
      };
      const desiredThree = {
        ...desiredTwo,
        services: [...desiredTwo.services, { name: 'redis', configHash: 'h-redis' }],
      };
      expect(planText(reconcile(desiredThree, withThird))).toEqual([
        'network:s_default RemoveNetwork old (duplicate; keeping new)',
        'service:app KeepService s-app-1 (config unchanged, running)',
        'service:postgres RemoveContainer s-postgres-1 (attached to a duplicate network)',
        'service:postgres CreateService (was on a duplicate network)',
        'service:redis KeepService s-redis-1 (config unchanged, running)',
      ]);
    });

    it('removes every copy of a network gone from the template, by id', () => {
      const observed = {
        containers: [],
        networks: [net('n1', '', 's_default'), net('x2', '', 's_old'), net('x1', '', 's_old')],
        volumes: [],
      };
      const steps = reconcile({ services: [], networks: ['s_default'], volumes: [] }, observed);
      expect(steps).toEqual([
        { action: 'RemoveNetwork', network: 's_old', id: 'x1', reason: 'no longer in the template' },
        { action: 'RemoveNetwork', network: 's_old', id: 'x2', reason: 'no longer in the template' },
      ]);
    });
  });
});
