import { describe, expect, it } from 'vitest';
import type { ContainerStatus } from '../../../src/contracts/engine.js';
import { planText, reconcile } from '../../../src/core/plan/reconcile.js';

function container(
  service: string,
  hash: string,
  state: ContainerStatus['state'] = 'running',
  exitCode?: number,
): ContainerStatus {
  return {
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
  };
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
});
