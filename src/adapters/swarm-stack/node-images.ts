/**
 * Images reach the nodes that run a stack's tasks, one of two ways, and an
 * `info` change says which:
 * - a registry (devenv.yaml `registry:`): an image the manager has is tagged
 *   REGISTRY/<name>:<content tag> (core/swarm/registry-reference.ts) and pushed
 *   through the manager's engine API; the service is created with that reference,
 *   so every node pulls it, those devenv does not reach included. The nodes devenv
 *   reaches pull it now, through their engine API: one that cannot reach or trust
 *   the registry fails `up` with its name (IMAGE_PULL_FAILED) instead of its tasks
 *   being rejected later. Skipped when every node of the swarm is reached and
 *   already has the image under its name.
 * - no registry: the image is loaded into each node engine devenv reaches, through
 *   that engine's API (`docker save` on the manager, `docker load` on the node),
 *   unless the node has that image id already: under the same name, nothing to do;
 *   under another (each branch tags a shared image its own way), a tag. Nodes devenv
 *   does not reach must have it some other way: said once.
 * An image the manager lacks is left to each node to pull from its own registry.
 */
import type { StackChange } from '../../contracts/stack-backend.js';
import type { SwarmNodeEngine } from '../../contracts/swarm-engine.js';
import { registryReference } from '../../core/swarm/registry-reference.js';

export interface NodeImages {
  /** The manager's own engine (where devenv built or found the image). */
  manager: SwarmNodeEngine | undefined;
  /** Node hostname -> its engine, for the nodes devenv reaches (the manager's included). */
  engines: ReadonlyMap<string, SwarmNodeEngine>;
  /** The hostnames of the swarm's ready nodes. */
  clusterNodes: readonly string[];
  /** devenv.yaml `registry:`, when set. */
  registry?: string;
  onChange: (change: StackChange) => void;
}

/** Gets the image to the nodes; the reference the service is created with (the registry's, when pushed). */
export async function distributeImage(image: string, nodes: NodeImages): Promise<string> {
  const { manager, engines, clusterNodes, onChange } = nodes;
  if (!manager) return image;
  const id = await manager.imageId(image);
  if (id === undefined) return image; // Not on the manager: each node pulls it from its registry.
  const others = [...engines.values()].filter((engine) => engine.node !== manager.node);
  const unreached = clusterNodes.filter((node) => !engines.has(node));
  if (nodes.registry !== undefined) {
    const everywhere =
      unreached.length === 0 &&
      (await Promise.all(others.map(async (node) => (await node.imageId(image)) === id))).every(Boolean);
    if (everywhere) return image;
    const reference = registryReference(nodes.registry, image, id);
    await manager.pushImage(image, reference);
    const pulled: string[] = [];
    await Promise.all(
      others.map(async (node) => {
        if ((await node.imageId(reference)) === id) return;
        await node.pullImage(reference);
        pulled.push(node.node);
      }),
    );
    onChange({
      type: 'info',
      message:
        `image ${image} pushed to ${nodes.registry} as ${reference}; the nodes pull it from there` +
        (pulled.length > 0 ? ` (pulled now by ${pulled.sort().join(', ')})` : ''),
    });
    return reference;
  }
  await Promise.all(
    others.map(async (node) => {
      if ((await node.imageId(image)) === id) return;
      // The image under another name (a second branch's tag of a shared image): a tag, not a load.
      if ((await node.imageId(id)) === id && (await node.containers.tagImage(id, image))) {
        onChange({ type: 'info', message: `image ${image} tagged on node ${node.node} (it had the image)` });
        return;
      }
      await node.loadImage(await manager.saveImage(image));
      onChange({
        type: 'info',
        message: `image ${image} loaded into node ${node.node} through its engine API (${node.endpoint}); no registry is configured`,
      });
    }),
  );
  if (unreached.length > 0)
    onChange({
      type: 'info',
      message: `image ${image} is on the manager; nodes ${unreached.join(', ')} are not reachable by devenv (DEVENV_SWARM_NODES) and must have it already (or set \`registry:\` in devenv.yaml)`,
    });
  return image;
}
