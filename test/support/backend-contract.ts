/**
 * The StackBackend contract (src/contracts/stack-backend.ts) as the use-cases
 * rely on it: one suite, run against the container backend on the in-memory
 * engine (unit, milliseconds) and on the real Docker engine (integration).
 * Any later backend (Swarm, Kubernetes) must pass it too.
 *
 * Plans are made by the real core (reconcile + planGraph), so what is checked
 * is what `up` asks of a backend: creation in dependency order, kept services
 * kept, the root cause of a failure with its dependents not started, removal
 * by the stack's labels only, and an instance's state, logs, exec (buffered and streamed) and restart.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ContainerRequest, PublishedPort } from '../../src/contracts/engine.js';
import type { ApplyHooks, StackBackend, StackChange, StackSpec } from '../../src/contracts/stack-backend.js';
import { planGraph, type ServiceDependencies } from '../../src/core/plan/plan-graph.js';
import { reconcile } from '../../src/core/plan/reconcile.js';
import { Labels } from '../../src/core/stack/labels.js';
import { generatedBytes, hashingSink } from './byte-streams.js';

export interface BackendContractSubject {
  backend: StackBackend;
  /** Unique per run: the stack name and the prefix of every resource name. */
  prefix: string;
  /** A request that runs until stopped and prints "hello" when started (labels as given). */
  request(name: string, labels: Record<string, string>): ContainerRequest;
  /** Makes a started container print "hello" (real containers print it themselves). */
  printHello(containerName: string): void;
  /** Makes `exec` of a harmless command succeed in this service's container (real ones do). */
  allowExec(service: string): void;
  /** Where a published port may be reachable from this machine (default: loopback only). */
  reachableHosts?: readonly string[];
  cleanup(): Promise<void>;
}

/** The contract's cases, by the key a backend names an exception with. */
export const contractCases = {
  observeMissing: 'observes nothing of a stack that does not exist',
  createInOrder: 'creates networks and volumes first, then each service after the ones it depends on',
  keepAndRecreate: 'keeps unchanged services and brings a changed one to its new config',
  recreateByReplacing:
    "recreates a changed service's instance: the old one removed, a new one (a new id) made",
  rootCause: 'fails with the root cause and does not start what requires the failed service',
  instanceOperations:
    "reports an instance's state, logs, exec (buffered and streamed) and restart, and where its port is reachable",
  removeByLabels: 'removes the stack by its labels, keeping volumes unless asked',
} as const;

export type ContractCase = keyof typeof contractCases;

export interface BackendContractOptions {
  /**
   * Cases that do not apply to this backend, each with why (listed in DEVELOPERS.md):
   * the case is skipped and its reason is in its title.
   */
  exceptions?: Partial<Record<ContractCase, string>>;
  /** For beforeAll/afterAll and each case (a backend that brings a cluster up needs longer). */
  timeoutMs?: number;
}

type Deps = Record<string, ServiceDependencies>;

export function describeBackendContract(
  name: string,
  make: () => Promise<BackendContractSubject>,
  options: BackendContractOptions = {},
): void {
  const { exceptions = {}, timeoutMs } = options;
  /** A case, or its skip with the reason it does not apply here. */
  const it = (key: ContractCase, body: () => Promise<void>): void => {
    const reason = exceptions[key];
    if (reason !== undefined) test.skip(`${contractCases[key]} (does not apply: ${reason})`, body);
    else test(contractCases[key], body, timeoutMs);
  };
  describe(`StackBackend contract: ${name}`, () => {
    // Set by beforeAll; undefined in afterAll only when making it failed.
    let subject = undefined as unknown as BackendContractSubject;
    beforeAll(async () => {
      subject = await make();
    }, timeoutMs);
    afterAll(async () => {
      if (subject === undefined) return;
      await subject.backend.remove(subject.prefix, { volumes: true }, () => undefined).catch(() => undefined);
      await subject.cleanup();
    }, timeoutMs);
    const stack = () => subject.prefix;
    const stackLabels = () => ({ [Labels.stack]: stack() });

    function spec(
      services: Record<string, string>,
      extra: { network?: boolean; volume?: boolean } = {},
    ): StackSpec {
      const network = `${stack()}_default`;
      const volume = `${stack()}_data`;
      return {
        stack: stack(),
        services: new Map(
          Object.entries(services).map(([service, hash]) => {
            const request = subject.request(`${stack()}-${service}-1`, {
              ...stackLabels(),
              [Labels.service]: service,
              [Labels.configHash]: hash,
            });
            return [
              service,
              {
                ...request,
                networks: extra.network ? [{ network, aliases: [service] }] : [],
                mounts: extra.volume
                  ? [{ type: 'volume', source: volume, target: '/data', readOnly: false }]
                  : [],
              } satisfies ContainerRequest,
            ];
          }),
        ),
        networks: extra.network
          ? [{ name: network, labels: { ...stackLabels(), [Labels.network]: 'default' }, internal: false }]
          : [],
        volumes: extra.volume
          ? [{ name: volume, labels: { ...stackLabels(), [Labels.volume]: 'data' } }]
          : [],
      };
    }

    async function applyAll(
      wanted: StackSpec,
      deps: Deps,
      overrides: Partial<ApplyHooks> = {},
    ): Promise<{ changes: StackChange[]; services: Awaited<ReturnType<StackBackend['apply']>> }> {
      const observed = await subject.backend.observe(stack());
      const steps = reconcile(
        {
          services: [...wanted.services].map(([service, request]) => ({
            name: service,
            configHash: request.labels[Labels.configHash] ?? '',
          })),
          networks: wanted.networks.map((n) => n.name),
          volumes: wanted.volumes.map((v) => v.name),
        },
        observed,
      );
      const changes: StackChange[] = [];
      const services = await subject.backend.apply(wanted, planGraph(steps, deps), observed, {
        signal: new AbortController().signal,
        onChange: (change) => changes.push(change),
        waitReady: (instance) => runningPorts(instance.id),
        ...overrides,
      });
      return { changes, services };
    }

    async function runningPorts(id: string): Promise<PublishedPort[]> {
      for (let tries = 0; tries < 100; tries++) {
        const status = await subject.backend.inspect(id);
        if (status?.state === 'running') return status.ports;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`instance ${id} did not run`);
    }

    it('observeMissing', async () => {
      expect(await subject.backend.observe(`${stack()}-none`)).toEqual({
        containers: [],
        networks: [],
        volumes: [],
      });
    });

    it('createInOrder', async () => {
      const deps: Deps = {
        db: { dependsOn: {} },
        web: { dependsOn: { db: { condition: 'service_healthy', required: true } } },
      };
      const { changes, services } = await applyAll(
        spec({ db: 'h-db', web: 'h-web' }, { network: true, volume: true }),
        deps,
      );
      const at = (type: string, what: string) =>
        changes.findIndex((c) => c.type === type && Object.values(c).includes(what));
      expect(at('network.created', `${stack()}_default`)).toBeGreaterThanOrEqual(0);
      expect(at('volume.created', `${stack()}_data`)).toBeLessThan(at('container.created', 'db'));
      expect(at('network.created', `${stack()}_default`)).toBeLessThan(at('container.created', 'db'));
      // web waits until db is ready: db's container starts before web's is created.
      expect(at('container.started', 'db')).toBeLessThan(at('container.created', 'web'));
      expect(services.map((s) => s.service)).toEqual(['db', 'web']);

      const observed = await subject.backend.observe(stack());
      expect(observed.containers.map((c) => c.facts.service).sort()).toEqual(['db', 'web']);
      expect(observed.containers.every((c) => c.state === 'running')).toBe(true);
      expect(observed.networks.map((n) => n.name)).toEqual([`${stack()}_default`]);
      expect(observed.volumes.map((v) => v.name)).toEqual([`${stack()}_data`]);
    });

    let recreated:
      { changes: StackChange[]; before: string | undefined; after: string | undefined } | undefined;
    it('keepAndRecreate', async () => {
      const before = await subject.backend.observe(stack());
      const deps: Deps = { db: { dependsOn: {} }, web: { dependsOn: {} } };
      const { changes, services } = await applyAll(
        spec({ db: 'h-db', web: 'h-web-2' }, { network: true, volume: true }),
        deps,
      );
      expect(changes).toContainEqual({ type: 'container.kept', service: 'db', container: `${stack()}-db-1` });
      const db = before.containers.find((c) => c.facts.service === 'db');
      expect(services.find((s) => s.service === 'db')?.instanceId).toBe(db?.id);
      const web = (await subject.backend.observe(stack())).containers.find((c) => c.facts.service === 'web');
      expect(web).toMatchObject({ state: 'running', facts: { configHash: 'h-web-2' } });
      recreated = {
        changes,
        before: before.containers.find((c) => c.facts.service === 'web')?.id,
        after: services.find((s) => s.service === 'web')?.instanceId,
      };
    });

    it('recreateByReplacing', async () => {
      expect(recreated, 'the keepAndRecreate case ran').toBeDefined();
      expect(recreated!.changes).toContainEqual({
        type: 'container.removed',
        service: 'web',
        container: `${stack()}-web-1`,
      });
      expect(recreated!.before).toBeDefined();
      expect(recreated!.after).not.toBe(recreated!.before);
    });

    it('rootCause', async () => {
      await subject.backend.remove(stack(), { volumes: true }, () => undefined);
      const deps: Deps = {
        db: { dependsOn: {} },
        web: { dependsOn: { db: { condition: 'service_healthy', required: true } } },
      };
      const failure = new Error('db is not ready: test says so');
      await expect(
        applyAll(spec({ db: 'h-db', web: 'h-web' }), deps, {
          waitReady: (instance) =>
            instance.service === 'db' ? Promise.reject(failure) : runningPorts(instance.id),
        }),
      ).rejects.toBe(failure);
      const observed = await subject.backend.observe(stack());
      expect(observed.containers.map((c) => c.facts.service)).toEqual(['db']);
    });

    it('instanceOperations', async () => {
      await subject.backend.remove(stack(), { volumes: true }, () => undefined);
      const wanted = spec({ cache: 'h-cache' });
      const request = wanted.services.get('cache')!;
      (wanted.services as Map<string, ContainerRequest>).set('cache', {
        ...request,
        ports: [{ containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1' }],
      });
      const { services } = await applyAll(wanted, { cache: { dependsOn: {} } });
      const [cache] = services;
      subject.printHello(request.name);
      const status = await subject.backend.inspect(cache!.instanceId);
      expect(status).toMatchObject({ state: 'running', name: request.name });
      const port = status!.ports.find((p) => p.containerPort === 6379)!;
      const reached = subject.backend.reachable(port);
      expect(reached.port).toBe(port.hostPort);
      expect(subject.reachableHosts ?? ['127.0.0.1']).toContain(reached.host);

      const lines: string[] = [];
      await subject.backend.logs(cache!.instanceId, { follow: false, tail: 'all' }, (line) =>
        lines.push(line.text),
      );
      expect(lines.join('\n')).toContain('hello');

      subject.allowExec('cache');
      expect((await subject.backend.exec(cache!.instanceId, ['true'])).exitCode).toBe(0);
      const sink = hashingSink();
      const streamed = await subject.backend.execStream(cache!.instanceId, ['cat'], {
        stdin: generatedBytes(1024 * 1024),
        stdout: sink,
      });
      expect(streamed).toMatchObject({ exitCode: 0, stdoutBytes: 1024 * 1024 });
      expect(sink.bytes).toBe(1024 * 1024);

      await subject.backend.restart(cache!.instanceId, 1);
      const restarted = await subject.backend.inspect(cache!.instanceId);
      expect(restarted?.state).toBe('running');
      expect(restarted?.restartCount ?? 0).toBeGreaterThanOrEqual(0);
    });

    it('removeByLabels', async () => {
      await applyAll(spec({ db: 'h-db' }, { network: true, volume: true }), { db: { dependsOn: {} } });
      const changes: StackChange[] = [];
      const kept = await subject.backend.remove(stack(), { volumes: false }, (c) => changes.push(c));
      expect(kept).toMatchObject({ containers: 1, networks: 1, volumes: 0, volumesKept: 1 });
      expect(changes).toContainEqual({
        type: 'container.stopped',
        service: 'db',
        container: `${stack()}-db-1`,
      });
      expect((await subject.backend.observe(stack())).volumes).toHaveLength(1);
      const removed = await subject.backend.remove(stack(), { volumes: true }, () => undefined);
      expect(removed).toMatchObject({ containers: 0, volumes: 1, volumesKept: 0 });
      expect(await subject.backend.observe(stack())).toEqual({ containers: [], networks: [], volumes: [] });
    });
  });
}
