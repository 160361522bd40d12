/** The container backend on the Docker engine passes the StackBackend contract the in-memory one passes (test/unit/app). */
import { ContainerStackBackend } from '../../../src/adapters/container-stack/container-stack-backend.js';
import { describeBackendContract } from '../../support/backend-contract.js';
import { startTestRun } from './test-run.js';

describeBackendContract('container backend on the Docker engine', async () => {
  const run = await startTestRun('backend');
  return {
    backend: new ContainerStackBackend(run.engine, await run.engine.info()),
    prefix: run.stack,
    request: (name, labels) =>
      run.container({
        name,
        labels: { ...labels, 'dev.devenv.stack': run.stack },
        command: ['sh', '-c', 'echo hello; exec sleep infinity'],
      }),
    // The container prints it itself.
    printHello: () => undefined,
    allowExec: () => undefined,
    cleanup: () => run.cleanup(),
  };
});
