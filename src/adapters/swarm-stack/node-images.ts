/**
 * Images reach the nodes that run a stack's tasks. With no registry, an image
 * the manager has (built or loaded there) is loaded into each node engine
 * devenv reaches, through that engine's API (`docker save` on the manager,
 * `docker load` on the node), unless the node has that image id already: under the same
 * name, nothing to do; under another (each branch tags a shared image its own way), a tag.
 * Nodes devenv does not reach must have it some other way: said once.
 */
import type { StackChange } from '../../contracts/stack-backend.js';
import type { SwarmNodeEngine } from '../../contracts/swarm-engine.js';

export async function distributeImage(
  image: string,
  manager: SwarmNodeEngine | undefined,
  engines: ReadonlyMap<string, SwarmNodeEngine>,
  clusterNodes: readonly string[],
  onChange: (change: StackChange) => void,
): Promise<void> {
  if (!manager) return;
  const id = await manager.imageId(image);
  if (id === undefined) return; // Not on the manager: each node pulls it from its registry.
  const others = [...engines.values()].filter((engine) => engine.node !== manager.node);
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
  const unreached = clusterNodes.filter((node) => !engines.has(node));
  if (unreached.length > 0)
    onChange({
      type: 'info',
      message: `image ${image} is on the manager; nodes ${unreached.join(', ')} are not reachable by devenv (DEVENV_SWARM_NODES) and must have it already`,
    });
}
