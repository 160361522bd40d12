import { describe, expect, it } from 'vitest';
import { graphText, planGraph } from '../../../src/core/plan/plan-graph.js';
import { walkPlan, DependencyFailedError } from '../../../src/core/plan/walk-plan.js';
import type { PlanStep } from '../../../src/core/plan/reconcile.js';

const steps: PlanStep[] = [
  { action: 'CreateNetwork', network: 's_default', reason: 'not found' },
  { action: 'CreateVolume', volume: 's_data', reason: 'not found' },
  { action: 'RemoveNetwork', network: 's_default', id: 'n2', reason: 'duplicate', duplicate: true },
  { action: 'RemoveContainer', service: 'db', container: 's-db-2', reason: 'duplicate container' },
  { action: 'CreateService', service: 'db', reason: 'not found' },
  { action: 'KeepService', service: 'migrate', container: 's-migrate-1', reason: 'completed' },
  { action: 'CreateService', service: 'web', reason: 'not found' },
  { action: 'CreateService', service: 'sidecar', reason: 'not found' },
  { action: 'RemoveNetwork', network: 's_old', id: 'n9', reason: 'no longer in the template' },
];

const dependencies = {
  db: { dependsOn: {} },
  migrate: { dependsOn: { db: { condition: 'service_healthy', required: true } } },
  web: {
    dependsOn: {
      db: { condition: 'service_started', required: true },
      migrate: { condition: 'service_completed_successfully', required: true },
      cache: { condition: 'service_started', required: false },
    },
  },
  sidecar: { dependsOn: {}, joins: ['web'] },
};

describe('planGraph', () => {
  it('gives every step its edges: resources first, then depends_on and joined namespaces', () => {
    expect(graphText(planGraph(steps, dependencies))).toEqual([
      'network:s_default CreateNetwork',
      'volume:s_data CreateVolume',
      'network:s_default@n2 RemoveNetwork <- container:s-db-2',
      'container:s-db-2 RemoveContainer',
      'service:db CreateService <- network:s_default, volume:s_data, network:s_default@n2, container:s-db-2',
      'service:migrate KeepService <- network:s_default, volume:s_data, network:s_default@n2, container:s-db-2, service:db',
      'service:web CreateService <- network:s_default, volume:s_data, network:s_default@n2, container:s-db-2, service:db(started), service:migrate',
      'service:sidecar CreateService <- network:s_default, volume:s_data, network:s_default@n2, container:s-db-2, service:web(started)',
      'network:s_old@n9 RemoveNetwork <- service:db, service:migrate, service:web, service:sidecar',
    ]);
  });

  it("keeps a removed network's engine id apart from the node key (the executor removes by that id)", () => {
    const node = planGraph(steps, dependencies).find((n) => n.action === 'RemoveNetwork' && n.duplicate);
    expect(node).toMatchObject({ key: 'network:s_default@n2', id: 'n2' });
  });

  it('marks optional dependencies (required: false) and ignores services not in the plan', () => {
    const nodes = planGraph([{ action: 'CreateService', service: 'web', reason: 'not found' }], {
      web: { dependsOn: { gone: { condition: 'service_started', required: false } } },
    });
    expect(nodes[0]!.dependsOn).toEqual([]);
    const optional = planGraph(
      [
        { action: 'CreateService', service: 'cache', reason: 'not found' },
        { action: 'CreateService', service: 'web', reason: 'not found' },
      ],
      { web: { dependsOn: { cache: { condition: 'service_healthy', required: false } } } },
    );
    expect(graphText(optional)[1]).toBe('service:web CreateService <- service:cache?');
  });
});

describe('walkPlan', () => {
  const nodes = planGraph(steps, dependencies);

  it('runs each node after its edges hold', async () => {
    const log: string[] = [];
    const results = await walkPlan(nodes, async (node) => {
      log.push(`begin ${node.key}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.push(`end ${node.key}`);
      return node.key;
    });
    expect(results.get('service:web')).toBe('service:web');
    const at = (entry: string) => log.indexOf(entry);
    expect(at('end container:s-db-2')).toBeLessThan(at('begin network:s_default@n2'));
    expect(at('end network:s_default@n2')).toBeLessThan(at('begin service:db'));
    expect(at('end service:db')).toBeLessThan(at('begin service:migrate'));
    expect(at('end service:migrate')).toBeLessThan(at('begin service:web'));
    expect(at('end service:sidecar')).toBeLessThan(at('begin network:s_old@n9'));
  });

  it('runs a node with a started edge while its dependency is still becoming ready', async () => {
    const graph = planGraph(
      [
        { action: 'CreateService', service: 'db', reason: 'not found' },
        { action: 'CreateService', service: 'web', reason: 'not found' },
      ],
      { web: { dependsOn: { db: { condition: 'service_started', required: true } } } },
    );
    const log: string[] = [];
    let webBegan!: () => void;
    const began = new Promise<void>((resolve) => (webBegan = resolve));
    await walkPlan(graph, async (node, progress) => {
      log.push(`begin ${node.key.slice(8)}`);
      if (node.key === 'service:db') {
        progress.started();
        await began; // db is "ready" only once web has begun
      } else webBegan();
      log.push(`end ${node.key.slice(8)}`);
    });
    expect(log).toEqual(['begin db', 'begin web', 'end web', 'end db']);
  });

  it('throws the root cause, fails what requires it, aborts the others, and runs optional dependents', async () => {
    const ran: string[] = [];
    const aborted: string[] = [];
    const cause = new Error('db unhealthy');
    const graph = planGraph(
      [
        { action: 'CreateService', service: 'db', reason: 'not found' },
        { action: 'CreateService', service: 'slow', reason: 'not found' },
        { action: 'CreateService', service: 'web', reason: 'not found' },
        { action: 'CreateService', service: 'tolerant', reason: 'not found' },
      ],
      {
        web: { dependsOn: { db: { condition: 'service_healthy', required: true } } },
        tolerant: { dependsOn: { db: { condition: 'service_healthy', required: false } } },
      },
    );
    const settled: unknown[] = [];
    await walkPlan(graph, async (node, progress) => {
      ran.push(node.key);
      if (node.key === 'service:db') {
        await new Promise((resolve) => setTimeout(resolve, 5));
        throw cause;
      }
      if (node.key === 'service:slow') {
        await new Promise<void>((resolve) => progress.signal.addEventListener('abort', () => resolve()));
        aborted.push(node.key);
      }
    }).catch((error: unknown) => settled.push(error));
    expect(settled).toEqual([cause]);
    expect(ran).not.toContain('service:web');
    expect(aborted).toEqual(['service:slow']);
    // Optional: not failed by db, but the walk was stopped by then.
    expect(ran).not.toContain('service:tolerant');
  });

  it('reports a consequence only when nothing else failed', async () => {
    const graph = planGraph([{ action: 'CreateService', service: 'web', reason: 'not found' }], {});
    const error = new DependencyFailedError('web', 'db', new Error('x'));
    await expect(walkPlan(graph, () => Promise.reject(error))).rejects.toBe(error);
  });
});
