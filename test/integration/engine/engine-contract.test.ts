/** The Docker engine adapter passes the ContainerEngine contract the in-memory fake passes (test/unit/app). */
import { describeEngineContract } from '../../support/engine-contract.js';
import { startTestRun } from './test-run.js';

describeEngineContract('Docker engine', async () => {
  const run = await startTestRun('contract');
  return {
    engine: run.engine,
    prefix: run.name('contract'),
    request: (name, labels) =>
      run.container({ name, labels, command: ['sh', '-c', 'echo hello; exec sleep infinity'] }),
    // The container prints it itself.
    printHello: () => undefined,
    // The container runs the commands themselves.
    program: () => undefined,
    cleanup: () => run.cleanup(),
  };
});
