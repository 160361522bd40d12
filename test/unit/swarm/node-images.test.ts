/**
 * An image reaches each node engine devenv reaches: loaded when the node lacks it, tagged when
 * the node has the image under another name (a second branch's tag of a shared image), nothing
 * when it has it under this name. With a registry: pushed there under a content tag (the
 * service's reference), unless every node has it already. Node engines are the in-memory engine
 * plus a record of loads and pushes.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { distributeImage } from '../../../src/adapters/swarm-stack/node-images.js';
import type { StackChange } from '../../../src/contracts/stack-backend.js';
import type { SwarmNodeEngine } from '../../../src/contracts/swarm-engine.js';
import { memoryEngine, withImage, type MemoryEngine } from '../../support/fakes/memory-engine.js';

function node(name: string, engine: MemoryEngine, loads: string[], pushes: string[] = []): SwarmNodeEngine {
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
    pushImage: async (source, target) => {
      pushes.push(`${name} ${source} -> ${target}`);
    },
    pullImage: async (ref) => {
      pushes.push(`${name} pulled ${ref}`);
    },
    taskContainers: async () => [],
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
    const reference = await distributeImage('devenv/b/app:latest', {
      manager: engines.get('manager'),
      engines,
      clusterNodes: ['manager', 'n1', 'n2'],
      onChange: (change) => changes.push(change),
    });
    expect(reference).toBe('devenv/b/app:latest');
    expect(loads).toEqual(['n1']);
    expect(other.images.get('devenv/b/app:latest')?.id).toBe('sha256:shared');
    expect(changes).toContainEqual({
      type: 'info',
      message: 'image devenv/b/app:latest tagged on node n2 (it had the image)',
    });

    // Present under this name everywhere now (n1 once its load is real): nothing more.
    withImage(lacking, 'devenv/b/app:latest', { id: 'sha256:shared' });
    loads.length = 0;
    await distributeImage('devenv/b/app:latest', {
      manager: engines.get('manager'),
      engines,
      clusterNodes: [],
      onChange: () => undefined,
    });
    expect(loads).toEqual([]);
  });

  it('with a registry, pushes the image under a content tag and names that reference, loading nothing', async () => {
    const loads: string[] = [];
    const pushes: string[] = [];
    const [manager, lacking] = [memoryEngine(), memoryEngine()];
    withImage(manager, 'devenv/b/app:latest', { id: 'sha256:0123456789abcdef0123' });
    const engines = new Map(
      [node('manager', manager, loads, pushes), node('n1', lacking, loads, pushes)].map((n) => [n.node, n]),
    );
    const changes: StackChange[] = [];
    const reference = await distributeImage('devenv/b/app:latest', {
      manager: engines.get('manager'),
      engines,
      clusterNodes: ['manager', 'n1'],
      registry: 'registry.example.com:5000/team',
      onChange: (change) => changes.push(change),
    });
    expect(reference).toBe('registry.example.com:5000/team/devenv/b/app:0123456789ab');
    // The node devenv reaches pulls it now (a node that cannot would fail up, named).
    expect(pushes).toEqual([`manager devenv/b/app:latest -> ${reference}`, `n1 pulled ${reference}`]);
    expect(loads).toEqual([]);
    expect(changes).toEqual([
      {
        type: 'info',
        message: `image devenv/b/app:latest pushed to registry.example.com:5000/team as ${reference}; the nodes pull it from there (pulled now by n1)`,
      },
    ]);
  });

  it('with a registry, pushes nothing when every node has the image, and pushes when a node is not reached', async () => {
    const pushes: string[] = [];
    const [manager, other] = [memoryEngine(), memoryEngine()];
    withImage(manager, 'devenv-test/redis:7', { id: 'sha256:aaaa' });
    withImage(other, 'devenv-test/redis:7', { id: 'sha256:aaaa' });
    const engines = new Map(
      [node('manager', manager, [], pushes), node('n1', other, [], pushes)].map((n) => [n.node, n]),
    );
    const options = {
      manager: engines.get('manager'),
      engines,
      registry: 'r.example:5000',
      onChange: () => undefined,
    };
    expect(
      await distributeImage('devenv-test/redis:7', { ...options, clusterNodes: ['manager', 'n1'] }),
    ).toBe('devenv-test/redis:7');
    expect(pushes).toEqual([]);
    // n2 is in the swarm but devenv does not reach it: only the registry gets the image there.
    expect(
      await distributeImage('devenv-test/redis:7', { ...options, clusterNodes: ['manager', 'n1', 'n2'] }),
    ).toBe('r.example:5000/devenv-test/redis:aaaa');
    // Pushed; n1 had the image id only under its own name, so it pulls the reference (layers it has).
    expect(pushes).toEqual([
      'manager devenv-test/redis:7 -> r.example:5000/devenv-test/redis:aaaa',
      'n1 pulled r.example:5000/devenv-test/redis:aaaa',
    ]);
  });

  it('leaves an image the manager lacks to the nodes (pulled from its own registry)', async () => {
    const engines = new Map([node('manager', memoryEngine(), [])].map((n) => [n.node, n]));
    const options = {
      manager: engines.get('manager'),
      engines,
      clusterNodes: ['manager'],
      onChange: () => undefined,
    };
    expect(await distributeImage('postgres:16', { ...options, registry: 'r.example:5000' })).toBe(
      'postgres:16',
    );
  });
});
