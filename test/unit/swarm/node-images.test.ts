/**
 * An image reaches each node engine devenv reaches: loaded when the node lacks it, tagged when
 * the node has the image under another name (a second branch's tag of a shared image), nothing
 * when it has it under this name. Node engines are the in-memory engine plus a record of loads.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { distributeImage } from '../../../src/adapters/swarm-stack/node-images.js';
import type { StackChange } from '../../../src/contracts/stack-backend.js';
import type { SwarmNodeEngine } from '../../../src/contracts/swarm-engine.js';
import { memoryEngine, withImage, type MemoryEngine } from '../../support/fakes/memory-engine.js';

function node(name: string, engine: MemoryEngine, loads: string[]): SwarmNodeEngine {
  return {
    node: name,
    endpoint: `unix:///run/${name}.sock`,
    containers: engine,
    imageId: async (ref) =>
      engine.images.get(ref)?.id ?? [...engine.images.values()].find((image) => image.id === ref)?.id,
    saveImage: async () => Readable.from([]),
    loadImage: async () => {
      loads.push(name);
    },
  };
}

describe('distributeImage', () => {
  it('loads into a node that lacks the image, tags it on one that has it under another name', async () => {
    const loads: string[] = [];
    const [manager, lacking, other] = [memoryEngine(), memoryEngine(), memoryEngine()];
    withImage(manager, 'devenv/b/app:latest', { id: 'sha256:shared' });
    withImage(other, 'devenv/a/app:latest', { id: 'sha256:shared' });
    const engines = new Map(
      [node('manager', manager, loads), node('n1', lacking, loads), node('n2', other, loads)].map((n) => [
        n.node,
        n,
      ]),
    );
    const changes: StackChange[] = [];
    await distributeImage(
      'devenv/b/app:latest',
      engines.get('manager'),
      engines,
      ['manager', 'n1', 'n2'],
      (change) => changes.push(change),
    );
    expect(loads).toEqual(['n1']);
    expect(other.images.get('devenv/b/app:latest')?.id).toBe('sha256:shared');
    expect(changes).toContainEqual({
      type: 'info',
      message: 'image devenv/b/app:latest tagged on node n2 (it had the image)',
    });

    // Present under this name everywhere now (n1 once its load is real): nothing more.
    withImage(lacking, 'devenv/b/app:latest', { id: 'sha256:shared' });
    loads.length = 0;
    await distributeImage('devenv/b/app:latest', engines.get('manager'), engines, [], () => undefined);
    expect(loads).toEqual([]);
  });
});
