/**
 * Per-file test resources: every container, network, volume and image a test
 * creates carries `dev.devenv.test-run=<run id>` and `dev.devenv.stack=<stack>`,
 * and cleanup removes exactly what carries this run's label, nothing else.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import Dockerode from 'dockerode';
import { connectDocker } from '../../../src/adapters/docker/connect.js';
import { DockerEngine } from '../../../src/adapters/docker/docker-engine.js';
import type { ContainerRequest } from '../../../src/contracts/engine.js';
import { containerRequest } from '../../support/container-request.js';

export const BASE_IMAGE = 'devenv-test/debian-base:bookworm';

export interface TestRun {
  id: string;
  stack: string;
  labels: Record<string, string>;
  engine: DockerEngine;
  /** Raw engine access, for assertions and cleanup only. */
  docker: Dockerode;
  name(suffix: string): string;
  container(overrides: Partial<ContainerRequest> & { name: string }): ContainerRequest;
  cleanup(): Promise<void>;
}

export async function startTestRun(topic: string): Promise<TestRun> {
  const id = randomBytes(4).toString('hex');
  const stack = `engine-${topic}-${id}`;
  const labels = { 'dev.devenv.test-run': id, 'dev.devenv.stack': stack };
  const connected = await connectDocker();
  const engine = new DockerEngine(connected.docker, connected.endpoint, connected.apiVersion);
  const docker = connected.docker;
  const filters = { label: [`dev.devenv.test-run=${id}`] };
  return {
    id,
    stack,
    labels,
    engine,
    docker,
    name: (suffix) => `devenv-test-${id}-${suffix}`,
    container: (overrides) =>
      containerRequest({
        image: BASE_IMAGE,
        command: ['sleep', 'infinity'],
        ...overrides,
        labels: { ...labels, ...overrides.labels },
      }),
    async cleanup() {
      const containers = await docker.listContainers({ all: true, filters });
      await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
      const networks = await docker.listNetworks({ filters });
      await Promise.all(networks.map((n) => docker.getNetwork(n.Id).remove()));
      const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
      await Promise.all(volumes.map((v) => docker.getVolume(v.Name).remove()));
      const images = await docker.listImages({ filters });
      for (const image of images) await docker.getImage(image.Id).remove({ force: true });
    },
  };
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Polls `check` every `everyMs` until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
