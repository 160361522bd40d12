/**
 * Carries out a plan graph on a swarm: a service per compose service. Create:
 * images to the nodes (pushed to the registry, or loaded: node-images.ts), secrets
 * and configs (those given by `file:` read here: file-objects.ts), then the service; Recreate (its
 * config hash changed): `service update` with the new spec, so the service
 * keeps its id and only its tasks are replaced; Keep: nothing; Start (not
 * running with its config unchanged): new tasks (`update --force`). Then each
 * task is waited for until it runs, and the use-case's readiness hook decides.
 * Ports are the swarm's (host mode): the use-case's port choice is not asked;
 * there is no created-but-not-started moment, so no data is seeded before the
 * first start (beforeFirstStart is not called).
 */
import type { ContainerRequest } from '../../contracts/engine.js';
import type { SwarmNode, SwarmService, SwarmServiceSpec, SwarmTask } from '../../contracts/swarm-engine.js';
import type { AppliedService, ApplyHooks, StackChange, StackSpec } from '../../contracts/stack-backend.js';
import type { PlanNode } from '../../core/plan/plan-graph.js';
import type { ObservedStack } from '../../core/plan/reconcile.js';
import { walkToApplied } from '../stack-plan/walk-to-applied.js';
import type { NodeProgress } from '../../core/plan/walk-plan.js';
import { distributeImage } from './node-images.js';
import { readFileObjects } from './file-objects.js';
import { fileObject, swarmServiceSpec, taskFiles } from './service-spec.js';
import { currentTasks, nodeName, taskPlacements } from './service-status.js';
import { nodeView, type SwarmCluster } from './swarm-nodes.js';
import { ensureProxyNetwork, routedProxyPort } from './proxy-network.js';
import { Labels } from '../../core/stack/labels.js';

type ServiceNode = Extract<
  PlanNode,
  { action: 'CreateService' | 'RecreateService' | 'StartService' | 'KeepService' }
>;

const TASK_POLL_MS = 250;
/** Task states after which the swarm starts no container for that task again. */
const ENDED: ReadonlySet<string> = new Set([
  'complete',
  'shutdown',
  'failed',
  'rejected',
  'remove',
  'orphaned',
]);
/**
 * How long every task of a service may stay ended with no replacement before devenv stops waiting
 * for one (a node went away mid-start, the swarm gave up): readiness, bounded by `--timeout`, then
 * reports the service with its tasks' states instead of `up` waiting forever.
 */
const ENDED_GRACE_MS = 30_000;

/** Says the service's tasks (where each runs, in what state) when they differ from what was said last. */
function taskReporter(service: string, hooks: ApplyHooks) {
  let said = '';
  return (wanted: SwarmService, tasks: readonly SwarmTask[], nodes: readonly SwarmNode[]) => {
    const change: StackChange = {
      type: 'service.tasks',
      service,
      desired: wanted.replicas,
      tasks: taskPlacements(wanted, tasks, nodes),
    };
    const key = JSON.stringify(change);
    if (key === said) return;
    said = key;
    hooks.onChange(change);
  };
}

/**
 * Until every wanted task of the service runs (or one failed: readiness says why), telling each
 * task's node as it starts and the service's tasks as they change.
 */
async function awaitTasks(
  cluster: SwarmCluster,
  serviceId: string,
  service: string,
  after: string,
  hooks: ApplyHooks,
  signal: AbortSignal,
): Promise<void> {
  const told = new Set<string>();
  const report = taskReporter(service, hooks);
  let allEndedSince: number | undefined;
  for (;;) {
    if (signal.aborted) return;
    const [services, tasks, view] = await Promise.all([
      cluster.swarm.listServices({}).then((all) => all.filter((s) => s.id === serviceId)),
      cluster.swarm.listTasks([serviceId]),
      nodeView(cluster),
    ]);
    const wanted = services[0];
    if (!wanted) return;
    const current = currentTasks(tasks.filter((task) => task.createdAt >= after));
    report(wanted, tasks, view.nodes);
    for (const task of current) {
      if (task.state !== 'running' || told.has(task.id)) continue;
      told.add(task.id);
      hooks.onChange({
        type: 'container.started',
        service,
        container: `${wanted.name}.${task.slot} on ${nodeName(view.nodes, task.nodeId)}`,
      });
    }
    const running = current.filter((task) => task.state === 'running').length;
    const failed = current.some((task) => ['failed', 'rejected'].includes(task.state));
    if (running >= wanted.replicas || failed) return;
    const allEnded = current.length > 0 && current.every((task) => ENDED.has(task.state));
    allEndedSince = allEnded ? (allEndedSince ?? Date.now()) : undefined;
    if (allEndedSince !== undefined && Date.now() - allEndedSince >= ENDED_GRACE_MS) return;
    await new Promise((resolve) => setTimeout(resolve, TASK_POLL_MS));
  }
}

/** A kept service's tasks, said once (the dashboard shows where they run). */
async function reportKeptTasks(cluster: SwarmCluster, serviceId: string, service: string, hooks: ApplyHooks) {
  const [services, tasks, view] = await Promise.all([
    cluster.swarm.listServices({}).then((all) => all.filter((s) => s.id === serviceId)),
    cluster.swarm.listTasks([serviceId]),
    nodeView(cluster),
  ]);
  if (services[0]) taskReporter(service, hooks)(services[0], tasks, view.nodes);
}

export async function applySwarmPlan(
  cluster: SwarmCluster,
  spec: StackSpec,
  plan: readonly PlanNode[],
  observed: ObservedStack,
  hooks: ApplyHooks,
): Promise<AppliedService[]> {
  const { swarm } = cluster;
  const serviceNamed = (name: string) => observed.containers.find((c) => c.name === name);
  const distributed = new Map<string, Promise<string>>();

  /** Images, secrets and configs the service's tasks need, on the nodes; the spec gets their ids. */
  const prepare = async (
    request: ContainerRequest,
    wanted: SwarmServiceSpec,
    contents: ReadonlyMap<string, Uint8Array>,
  ): Promise<void> => {
    const [engines, view] = await Promise.all([cluster.nodeEngines(), nodeView(cluster)]);
    const managerName = view.nodes.find((node) => node.id === view.selfId)?.hostname;
    let image = distributed.get(request.image);
    if (!image) {
      image = distributeImage(request.image, {
        manager: managerName !== undefined ? engines.get(managerName) : undefined,
        engines,
        clusterNodes: view.nodes.filter((node) => node.state === 'ready').map((node) => node.hostname),
        ...(cluster.registry !== undefined ? { registry: cluster.registry } : {}),
        onChange: hooks.onChange,
      });
      distributed.set(request.image, image);
    }
    const proxyPort = routedProxyPort(request.labels);
    if (proxyPort !== undefined)
      await ensureProxyNetwork(swarm, proxyPort, request.labels[Labels.version] ?? '');
    // The registry's reference when the image was pushed there: every node pulls it.
    wanted.image = await image;
    for (const file of taskFiles(request, contents)) {
      const object = fileObject(request, file);
      const id =
        object.kind === 'secret'
          ? await swarm.ensureSecret(object.name, object.content, object.labels)
          : await swarm.ensureConfig(object.name, object.content, object.labels);
      const reference = wanted.files.find((ref) => ref.name === object.name);
      if (reference) reference.id = id;
    }
  };

  const runService = async (node: ServiceNode, progress: NodeProgress): Promise<AppliedService> => {
    const request = spec.services.get(node.service);
    if (!request) throw new Error(`The plan names service "${node.service}", which the spec lacks.`);
    const existing = 'container' in node ? serviceNamed(node.container) : undefined;
    /** The service's spec, with the content of its `file:` secrets and configs read here. */
    const specOf = async () => {
      const contents = await readFileObjects(request);
      return { wanted: swarmServiceSpec(request, spec.volumes, contents), contents };
    };
    const since = new Date(Date.now() - 1000).toISOString();
    let id: string;
    if (node.action === 'KeepService' && existing) {
      id = existing.id;
      hooks.onChange({ type: 'container.kept', service: node.service, container: existing.name });
      await reportKeptTasks(cluster, id, node.service, hooks);
    } else if (node.action === 'StartService' && existing) {
      id = existing.id;
      await swarm.restartService(id);
    } else if (existing) {
      id = existing.id;
      const { wanted, contents } = await specOf();
      await prepare(request, wanted, contents);
      const current = (await swarm.listServices({})).find((service) => service.id === id);
      await swarm.updateService(id, current?.version ?? 0, wanted);
      hooks.onChange({
        type: 'info',
        message: `${node.service}: service ${existing.name} updated (swarm replaces its tasks)`,
      });
    } else {
      const { wanted, contents } = await specOf();
      await prepare(request, wanted, contents);
      id = await swarm.createService(wanted);
      hooks.onChange({ type: 'container.created', service: node.service, container: request.name });
    }
    if (node.action !== 'KeepService')
      await awaitTasks(cluster, id, node.service, since, hooks, progress.signal);
    progress.started();
    const ports = await hooks.waitReady({ service: node.service, id, request }, progress.signal);
    return { service: node.service, instanceId: id, ports };
  };

  const runNode = async (node: PlanNode, progress: NodeProgress): Promise<AppliedService | undefined> => {
    switch (node.action) {
      case 'CreateNetwork': {
        const network = spec.networks.find((n) => n.name === node.network);
        await swarm.createNetwork(node.network, network?.labels ?? {}, {
          internal: network?.internal ?? false,
        });
        hooks.onChange({ type: 'network.created', network: node.network });
        return undefined;
      }
      case 'CreateVolume':
        // Created by the node a task lands on, with the stack's labels (service-spec.ts).
        hooks.onChange({ type: 'volume.created', volume: node.volume });
        return undefined;
      case 'RemoveContainer': {
        const service = serviceNamed(node.container);
        if (service) await swarm.removeService(service.id);
        hooks.onChange({ type: 'container.removed', service: node.service, container: node.container });
        return undefined;
      }
      case 'RemoveNetwork':
        await swarm.removeNetwork(node.id);
        hooks.onChange({ type: 'network.removed', network: node.network });
        return undefined;
      default:
        return runService(node, progress);
    }
  };

  return walkToApplied(spec, plan, runNode, hooks.signal);
}
