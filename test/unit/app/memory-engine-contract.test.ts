/** The in-memory engine passes the ContainerEngine contract the real one passes (test/integration/engine). */
import { containerRequest } from '../../support/container-request.js';
import { describeEngineContract } from '../../support/engine-contract.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';

describeEngineContract('in-memory engine', async () => {
  const engine = memoryEngine();
  withImage(engine, 'contract/image');
  return {
    engine,
    prefix: 'memory',
    request: (name, labels) => containerRequest({ name, image: 'contract/image', labels }),
    printHello: (containerName) => engine.logTo(containerName, 'hello'),
    program: (name, run) => engine.program(name, run),
    cleanup: async () => undefined,
  };
});
