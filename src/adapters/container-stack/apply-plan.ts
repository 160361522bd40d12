/**
 * Carries out a plan graph on a container engine: one container per service.
 * The walk (core/plan/walk-plan.ts) runs each node once its edges hold; this
 * module says what a node is on a container engine: create a network or a
 * volume, remove a container or a network, and for a service keep, start, or
 * (re)create and start its container, then wait until the use-case says it
 * is ready. No decision about *what* to do is made here: that is the plan's.
 */
import type { ContainerEngine, ContainerRequest, PublishedPort } from '../../contracts/engine.js';
import type { AppliedService, ApplyHooks, StackSpec } from '../../contracts/stack-backend.js';
import { isDevenvError } from '../../core/errors.js';
import type { PlanNode } from '../../core/plan/plan-graph.js';
import type { ObservedStack } from '../../core/plan/reconcile.js';
import { walkToApplied } from '../stack-plan/walk-to-applied.js';
import type { NodeProgress } from '../../core/plan/walk-plan.js';

type ServiceNode = Extract<
  PlanNode,
  { action: 'CreateService' | 'RecreateService' | 'StartService' | 'KeepService' }
>;

export async function applyPlan(
  engine: ContainerEngine,
  spec: StackSpec,
  plan: readonly PlanNode[],
  observed: ObservedStack,
  hooks: ApplyHooks,
): Promise<AppliedService[]> {
  const containerNamed = (name: string) => observed.containers.find((c) => c.name === name);

  /**
   * Creates and starts a service's container, with the host ports the use-case
   * chose. A chosen port taken in the moment before the engine bound it is
   * chosen again, at most twice.
   */
  const createAndStart = async (
    service: string,
    wanted: ContainerRequest,
    previous: readonly PublishedPort[],
  ): Promise<string> => {
    const avoid = new Set<number>();
    for (let attempt = 1; ; attempt++) {
      const { request, chosen } = hooks.choosePorts
        ? await hooks.choosePorts(wanted, previous, avoid)
        : { request: wanted, chosen: [] };
      const id = await engine.createContainer(request);
      hooks.onChange({ type: 'container.created', service, container: request.name });
      if (attempt === 1) await hooks.beforeFirstStart?.({ service, id, request });
      try {
        await engine.startContainer(id);
        hooks.onChange({ type: 'container.started', service, container: request.name });
        return id;
      } catch (error) {
        const retry = isDevenvError(error) && error.code === 'PORT_TAKEN' && chosen.length > 0 && attempt < 3;
        if (!retry) throw error;
        for (const port of chosen) avoid.add(port);
        await engine.removeContainer(id, { force: true, volumes: false });
        hooks.onChange({ type: 'container.removed', service, container: request.name });
      }
    }
  };

  const runService = async (node: ServiceNode, progress: NodeProgress): Promise<AppliedService> => {
    const request = spec.services.get(node.service);
    if (!request) throw new Error(`The plan names service "${node.service}", which the spec lacks.`);
    const existing = 'container' in node ? containerNamed(node.container) : undefined;
    let id: string;
    if (node.action === 'KeepService' && existing) {
      id = existing.id;
      hooks.onChange({ type: 'container.kept', service: node.service, container: existing.name });
    } else if (node.action === 'StartService' && existing) {
      id = existing.id;
      await engine.startContainer(id);
      hooks.onChange({ type: 'container.started', service: node.service, container: existing.name });
    } else {
      if (existing) {
        await engine.removeContainer(existing.id, { force: true, volumes: false });
        hooks.onChange({ type: 'container.removed', service: node.service, container: existing.name });
      }
      id = await createAndStart(node.service, request, existing?.ports ?? []);
    }
    progress.started();
    const ports = await hooks.waitReady({ service: node.service, id, request }, progress.signal);
    return { service: node.service, instanceId: id, ports };
  };

  const runNode = async (node: PlanNode, progress: NodeProgress): Promise<AppliedService | undefined> => {
    switch (node.action) {
      case 'CreateNetwork': {
        const network = spec.networks.find((n) => n.name === node.network);
        await engine.createNetwork(node.network, network?.labels ?? {}, {
          internal: network?.internal ?? false,
          ...(network?.driver ? { driver: network.driver } : {}),
        });
        hooks.onChange({ type: 'network.created', network: node.network });
        return undefined;
      }
      case 'CreateVolume': {
        const volume = spec.volumes.find((v) => v.name === node.volume);
        await engine.createVolume(node.volume, volume?.labels ?? {});
        hooks.onChange({ type: 'volume.created', volume: node.volume });
        return undefined;
      }
      case 'RemoveContainer': {
        const container = containerNamed(node.container);
        if (container) await engine.removeContainer(container.id, { force: true, volumes: false });
        hooks.onChange({ type: 'container.removed', service: node.service, container: node.container });
        return undefined;
      }
      case 'RemoveNetwork':
        // By id: the name is ambiguous when there are duplicates.
        await engine.removeNetwork(node.id);
        hooks.onChange({ type: 'network.removed', network: node.network });
        return undefined;
      default:
        return runService(node, progress);
    }
  };

  return walkToApplied(spec, plan, runNode, hooks.signal);
}
