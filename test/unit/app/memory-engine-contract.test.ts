/** The in-memory engine passes the ContainerEngine contract the real one passes (test/integration/engine). */
import { describeEngineContract } from '../../support/engine-contract.js';
import { memoryEngine } from '../../support/fakes/memory-engine.js';

describeEngineContract('in-memory engine', async () => {
  const engine = memoryEngine();
  engine.images.set('contract/image', {
    id: 'sha256:contract',
    exposedPorts: [],
    volumes: [],
    entrypoint: [],
    cmd: [],
    env: {},
    labels: {},
  });
  return {
    engine,
    prefix: 'memory',
    request: (name, labels) => ({
      name,
      image: 'contract/image',
      env: {},
      labels,
      ports: [],
      expose: [],
      mounts: [],
      networks: [],
      init: true,
      stopTimeoutSeconds: 1,
      restartPolicy: 'no',
      tty: false,
      openStdin: false,
      extraHosts: [],
    }),
    printHello: (containerName) => engine.logTo(containerName, 'hello'),
    cleanup: async () => undefined,
  };
});
