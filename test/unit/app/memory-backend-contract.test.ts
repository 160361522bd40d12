/** The container backend on the in-memory engine passes the StackBackend contract the Docker one passes (test/integration/engine). */
import { ContainerStackBackend } from '../../../src/adapters/container-stack/container-stack-backend.js';
import { describeBackendContract } from '../../support/backend-contract.js';
import { containerRequest } from '../../support/container-request.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';

describeBackendContract('container backend on the in-memory engine', async () => {
  const engine = memoryEngine();
  withImage(engine, 'contract/image');
  const backend = new ContainerStackBackend(engine, await engine.info());
  return {
    backend,
    prefix: 'memory-stack',
    request: (name, labels) => containerRequest({ name, image: 'contract/image', labels }),
    printHello: (containerName) => engine.logTo(containerName, 'hello'),
    allowExec: (service) => engine.setHealth(service, 'healthy'),
    cleanup: async () => undefined,
  };
});
