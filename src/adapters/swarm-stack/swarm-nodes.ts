/**
 * The swarm's nodes as this machine sees them: each node's address (where its
 * host-mode ports are reached) and its own engine when devenv can reach it
 * (the manager's, and those DEVENV_SWARM_NODES names: cli/app-context.ts).
 */
import type { SwarmEngine, SwarmNode, SwarmNodeEngine } from '../../contracts/swarm-engine.js';

export interface SwarmCluster {
  swarm: SwarmEngine;
  /** Where published ports of the manager's own node are reached (127.0.0.1 for a local engine). */
  managerPublishedHost: string;
  /** Node hostname -> its engine, for the nodes devenv reaches (the manager's included). */
  nodeEngines(): Promise<ReadonlyMap<string, SwarmNodeEngine>>;
  /** devenv.yaml `registry:`: images are pushed there and every node pulls them (node-images.ts). */
  registry?: string;
}

export interface NodeView {
  nodes: SwarmNode[];
  selfId: string;
  address(nodeId: string): string;
}

export async function nodeView(cluster: SwarmCluster): Promise<NodeView> {
  const [nodes, state] = await Promise.all([cluster.swarm.nodes(), cluster.swarm.swarm()]);
  return {
    nodes,
    selfId: state.nodeId,
    address: (nodeId) =>
      nodeId === state.nodeId
        ? cluster.managerPublishedHost
        : (nodes.find((node) => node.id === nodeId)?.address ?? cluster.managerPublishedHost),
  };
}
