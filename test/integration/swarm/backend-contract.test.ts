/**
 * The Swarm backend (adapters/swarm-stack) passes the StackBackend contract the container
 * backends pass (test/support/backend-contract.ts), on the real three-node test swarm
 * (test/support/swarm-cluster.sh: this engine as manager, two workers in network namespaces).
 * Services are placed wherever the swarm puts them: every node's engine is reached through
 * DEVENV_SWARM_NODES, so exec, volumes and removal are checked on whichever node a task runs.
 * Exceptions (DEVELOPERS.md, "The StackBackend contract"): a changed service is updated in
 * place (it keeps its id, the swarm replaces its tasks), not removed and created again; and a
 * host-mode published port is reached at its node's address, not only at loopback.
 */
import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { connectSwarmBackend } from '../../../src/adapters/swarm-stack/connect-swarm.js';
import { describeBackendContract } from '../../support/backend-contract.js';
import { containerRequest } from '../../support/container-request.js';
import {
  acquireSwarm,
  canRunSwarm,
  releaseSwarm,
  swarmNodesVariable,
  workerAddress,
} from '../../support/swarm-cluster.js';

const IMAGE = 'devenv-test/debian-base:bookworm';

if (canRunSwarm())
  describeBackendContract(
    'Swarm backend on a three-node swarm',
    async () => {
      await acquireSwarm(IMAGE);
      try {
        const backend = await connectSwarmBackend(
          { DOCKER_HOST: 'unix:///var/run/docker.sock' },
          await swarmNodesVariable(),
        );
        return {
          backend,
          prefix: `swarm-contract-${randomBytes(4).toString('hex')}`,
          request: (name, labels) =>
            containerRequest({
              name,
              image: IMAGE,
              labels,
              command: ['sh', '-c', 'echo hello; exec sleep infinity'],
              stopTimeoutSeconds: 1,
            }),
          // The task prints it itself.
          printHello: () => undefined,
          allowExec: () => undefined,
          // A host-mode port is published on the node running the task: the manager's is loopback.
          reachableHosts: ['127.0.0.1', ...Object.values(workerAddress)],
          cleanup: () => releaseSwarm(),
        };
      } catch (error) {
        await releaseSwarm();
        throw error;
      }
    },
    {
      timeoutMs: 300_000,
      exceptions: {
        recreateByReplacing:
          'a changed service is updated in place (`service update`): it keeps its id and the swarm replaces its tasks',
      },
    },
  );
else
  describe('StackBackend contract: Swarm backend on a three-node swarm', () => {
    it.skip('needs root (the test swarm runs dockerds in network namespaces)', () => undefined);
  });
