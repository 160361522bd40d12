/** A minimal ContainerRequest for engine-level tests: nothing published, mounted or joined unless given. */
import type { ContainerRequest } from '../../src/contracts/engine.js';

export function containerRequest(
  overrides: Partial<ContainerRequest> & { name: string; image: string },
): ContainerRequest {
  return {
    env: {},
    labels: {},
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
    ...overrides,
  };
}
