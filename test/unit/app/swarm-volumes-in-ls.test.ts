/**
 * A swarm stack's volume on the manager's own node is a local volume of the manager's engine:
 * plain `ls`/`gc` (the container backend) must not take it for a container stack. The Swarm
 * backend marks the volumes its tasks' nodes create (dev.devenv.backend=swarm); collectStacks
 * leaves those to `--engine swarm`, and still lists a container stack's volume.
 */
import { describe, expect, it } from 'vitest';
import { collectStacks } from '../../../src/app/list-stacks.js';
import { swarmServiceSpec } from '../../../src/adapters/swarm-stack/service-spec.js';
import { Labels } from '../../../src/core/stack/labels.js';
import { containerRequest } from '../../support/container-request.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine } from '../../support/fakes/memory-engine.js';

const stackLabels = (stack: string) => ({
  [Labels.stack]: stack,
  [Labels.project]: 'shop',
  [Labels.created]: '2026-01-01T00:00:00.000Z',
});

describe('plain ls on a swarm manager', () => {
  it("does not list a swarm stack by its task's volume, and lists a container stack's", async () => {
    const engine = memoryEngine();
    // The volume as the Swarm backend asks a node to create it.
    const spec = swarmServiceSpec(
      containerRequest({
        name: 'onswarm-db-1',
        image: 'i',
        labels: stackLabels('onswarm'),
        mounts: [{ type: 'volume', source: 'onswarm_data', target: '/data', readOnly: false }],
      }),
      [{ name: 'onswarm_data', labels: stackLabels('onswarm') }],
    );
    const swarmVolume = spec.mounts[0]!;
    expect(swarmVolume.volumeLabels?.[Labels.backend]).toBe('swarm');
    await engine.createVolume('onswarm_data', swarmVolume.volumeLabels!);
    await engine.createVolume('local_data', stackLabels('local'));

    const stacks = await collectStacks(fakeContext('/tmp', engine).ctx, engine);
    expect(stacks.map((stack) => [stack.stack, stack.volumes])).toEqual([['local', ['local_data']]]);
  });
});
