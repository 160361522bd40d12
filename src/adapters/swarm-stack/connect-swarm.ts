/**
 * The Swarm backend on the engine `env` names (DOCKER_HOST, DOCKER_CONTEXT, the usual
 * sockets), which must be a swarm manager; the node engines from DEVENV_SWARM_NODES
 * (core/swarm/swarm-selection.ts) and the manager's own, connected on first need; the registry
 * images are pushed to, when devenv.yaml names one (DEVENV_REGISTRY, set by cli/engine-selection.ts).
 */
import type { SwarmNodeEngine } from '../../contracts/swarm-engine.js';
import { DevenvError } from '../../core/errors.js';
import { swarmNodeEndpoints } from '../../core/swarm/swarm-selection.js';
import { SwarmStackBackend } from './swarm-stack-backend.js';
import type { SwarmCluster } from './swarm-nodes.js';

export async function connectSwarmBackend(
  engineEnv: Record<string, string | undefined>,
  nodesVariable: string | undefined,
  /** devenv.yaml `registry:` (the environment's, else the top level's): images are pushed there. */
  registry?: string,
): Promise<SwarmStackBackend> {
  // dockerode loads only here, when the swarm is asked for.
  const { DockerSwarm, connectSwarmNode } = await import('../docker/docker-swarm.js');
  const swarm = await DockerSwarm.connect(engineEnv);
  const [info, state] = await Promise.all([swarm.info(), swarm.swarm()]);
  if (state.state !== 'active' || !state.manager)
    throw new DevenvError(
      'SWARM_NOT_MANAGER',
      state.state === 'active'
        ? `The engine ${info.endpoint} is a swarm worker: stacks are created through a manager.`
        : `The engine ${info.endpoint} is not in a swarm (its swarm state is ${state.state}).`,
      {
        hint: 'Point DOCKER_HOST (or --engine swarm:CONTEXT) at a swarm manager, or make this engine one with `docker swarm init`; without swarm, drop `--engine swarm` to run the stack as containers.',
      },
    );
  const { nodes: endpoints } = swarmNodeEndpoints(nodesVariable);
  let engines: Promise<ReadonlyMap<string, SwarmNodeEngine>> | undefined;
  const cluster: SwarmCluster = {
    swarm,
    managerPublishedHost: info.publishedHost,
    ...(registry !== undefined && registry !== '' ? { registry } : {}),
    nodeEngines: () =>
      (engines ??= (async () => {
        const nodes = await swarm.nodes();
        const self = nodes.find((node) => node.id === state.nodeId)?.hostname ?? 'manager';
        const wanted: [string, string][] = [[self, info.endpoint], ...endpoints];
        const connected = await Promise.all(
          // A node engine that does not answer is left out: what needs it says so.
          wanted.map(([node, endpoint]) => connectSwarmNode(node, endpoint).catch(() => undefined)),
        );
        return new Map(
          connected
            .filter((node): node is SwarmNodeEngine => node !== undefined)
            .map((node) => [node.node, node]),
        );
      })()),
  };
  return new SwarmStackBackend(cluster);
}
