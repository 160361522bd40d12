/**
 * The plan as a graph, like docker compose's `PlanNode.DependsOn`: every step
 * of `reconcile` becomes a node that names the nodes it waits for and how far
 * each must have got. The executor (a stack backend) only walks the graph: it
 * runs a node once its edges hold and decides nothing about order itself.
 *
 * Edges, from what `up` needs to be correct:
 * - a service waits for every network and volume the plan creates, every
 *   duplicate network the plan removes, and every container the plan removes
 *   (a removed duplicate frees its name first);
 * - a service waits for the services it depends on (depends_on): `started`
 *   for service_started, `done` (ready, or exited 0 for one-shot services) for
 *   service_healthy and service_completed_successfully, and for the services
 *   whose namespace it joins (`started`);
 * - a duplicate network is removed after the containers attached to it are;
 * - a network that left the template is removed after every service is done.
 */
import type { PlanStep } from './reconcile.js';

/** How far a dependency must have got: started (a service's container runs), or done. */
export type EdgeCondition = 'started' | 'done';

export interface PlanEdge {
  node: string;
  condition: EdgeCondition;
  /** When false, a failure of the dependency does not fail this node (depends_on required: false). */
  required: boolean;
}

/** A step with its node key (unique in the plan; a step's own `id` is a network's engine id) and edges. */
export type PlanNode = PlanStep & { key: string; dependsOn: PlanEdge[] };

export interface ServiceDependencies {
  /** depends_on of the template: dependency -> condition and required. */
  dependsOn: Record<string, { condition: string; required: boolean }>;
  /** Services whose network, IPC or PID namespace this one joins. */
  joins?: readonly string[];
}

/** The node key of a step: unique within one plan. */
export function nodeId(step: PlanStep): string {
  switch (step.action) {
    case 'CreateNetwork':
      return `network:${step.network}`;
    case 'RemoveNetwork':
      return `network:${step.network}@${step.id}`;
    case 'CreateVolume':
      return `volume:${step.volume}`;
    case 'RemoveContainer':
      return `container:${step.container}`;
    default:
      return `service:${step.service}`;
  }
}

const isServiceStep = (step: PlanStep): boolean =>
  step.action === 'CreateService' ||
  step.action === 'RecreateService' ||
  step.action === 'StartService' ||
  step.action === 'KeepService';

export function planGraph(
  steps: readonly PlanStep[],
  services: Readonly<Record<string, ServiceDependencies>>,
): PlanNode[] {
  const done = (node: string): PlanEdge => ({ node, condition: 'done', required: true });
  const ids = steps.map(nodeId);
  const idsWhere = (predicate: (step: PlanStep) => boolean) =>
    steps.flatMap((step, index) => (predicate(step) ? [ids[index]!] : []));
  const prerequisites = idsWhere(
    (step) =>
      step.action === 'CreateNetwork' ||
      step.action === 'CreateVolume' ||
      step.action === 'RemoveContainer' ||
      (step.action === 'RemoveNetwork' && step.duplicate === true),
  );
  const removedContainers = idsWhere((step) => step.action === 'RemoveContainer');
  const serviceNodes = new Map(
    steps.flatMap((step, index) =>
      isServiceStep(step) && 'service' in step ? [[step.service, ids[index]!]] : [],
    ),
  );

  return steps.map((step, index): PlanNode => {
    const id = ids[index]!;
    if (step.action === 'RemoveNetwork') {
      const after = step.duplicate === true ? removedContainers : [...serviceNodes.values()];
      return { ...step, key: id, dependsOn: after.map(done) };
    }
    if (!isServiceStep(step) || !('service' in step)) return { ...step, key: id, dependsOn: [] };
    const edges: PlanEdge[] = prerequisites.map(done);
    const own = services[step.service];
    for (const [dependency, spec] of Object.entries(own?.dependsOn ?? {})) {
      const node = serviceNodes.get(dependency);
      if (node === undefined) continue;
      edges.push({
        node,
        condition: spec.condition === 'service_started' ? 'started' : 'done',
        required: spec.required,
      });
    }
    for (const provider of own?.joins ?? []) {
      const node = serviceNodes.get(provider);
      if (node !== undefined && !edges.some((edge) => edge.node === node))
        edges.push({ node, condition: 'started', required: true });
    }
    return { ...step, key: id, dependsOn: edges };
  });
}

/** One line a node with its edges, for `--dry-run`-style output and tests. */
export function graphText(nodes: readonly PlanNode[]): string[] {
  return nodes.map((node) => {
    const edges = node.dependsOn.map(
      (edge) => `${edge.node}${edge.condition === 'started' ? '(started)' : ''}${edge.required ? '' : '?'}`,
    );
    return edges.length === 0
      ? `${node.key} ${node.action}`
      : `${node.key} ${node.action} <- ${edges.join(', ')}`;
  });
}
