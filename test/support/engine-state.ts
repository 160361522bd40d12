/**
 * What the engine holds, read straight from Docker (dockerode, unmocked), so
 * tests check devenv's effects independently of devenv's own adapter; and the
 * per-run reaper: everything whose dev.devenv.branch starts with the run's
 * prefix is removed in teardown, so a crashed test leaves nothing behind.
 */
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { sharedImageSteps } from '../../src/core/plan/shared-images.js';

export const docker = new Docker();
const mainEngine = docker;

export function runPrefix(): string {
  return `t${randomBytes(3).toString('hex')}`;
}

export interface LabelledResources {
  containers: Docker.ContainerInfo[];
  networks: Docker.NetworkInspectInfo[];
  volumes: Docker.VolumeInspectInfo[];
}

/** On the main engine, or on `engine` (a second one). */
export async function resourcesWhere(label: string, engine: Docker = docker): Promise<LabelledResources> {
  const filters = JSON.stringify({ label: [label] });
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers({ all: true, filters }),
    engine.listNetworks({ filters }),
    engine.listVolumes({ filters }),
  ]);
  return { containers, networks, volumes: volumes.Volumes ?? [] };
}

export async function stackResources(stack: string): Promise<LabelledResources> {
  return resourcesWhere(`dev.devenv.stack=${stack}`);
}

export function countOf(resources: LabelledResources): number {
  return resources.containers.length + resources.networks.length + resources.volumes.length;
}

/** Removes every devenv resource whose branch label starts with `prefix` (on the main engine, or on `docker`). */
export async function reapBranchPrefix(prefix: string, docker: Docker = mainEngine): Promise<void> {
  const all = await resourcesWhere('dev.devenv.stack', docker);
  const mine = (labels: Record<string, string> | undefined) =>
    (labels?.['dev.devenv.branch'] ?? '').startsWith(prefix);
  await Promise.all(
    all.containers
      .filter((c) => mine(c.Labels))
      .map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true, v: true })
          .catch(() => undefined),
      ),
  );
  await Promise.all(
    all.networks
      .filter((n) => mine(n.Labels))
      .map((n) =>
        docker
          .getNetwork(n.Id)
          .remove()
          .catch(() => undefined),
      ),
  );
  await Promise.all(
    all.volumes
      .filter((v) => mine(v.Labels ?? undefined))
      .map((v) =>
        docker
          .getVolume(v.Name)
          .remove()
          .catch(() => undefined),
      ),
  );
  // Images devenv built for these stacks: they carry the stack label only (older ones the branch too).
  const stacks = new Set(
    [
      ...all.containers.map((c) => c.Labels),
      ...all.networks.map((n) => n.Labels),
      ...all.volumes.map((v) => v.Labels),
    ]
      .filter((labels) => mine(labels ?? undefined))
      .map((labels) => labels?.['dev.devenv.stack'] ?? ''),
  );
  const images = await docker.listImages({ filters: JSON.stringify({ label: ['dev.devenv.stack'] }) });
  await Promise.all(
    images
      .filter((i) => mine(i.Labels ?? undefined) || stacks.has(i.Labels?.['dev.devenv.stack'] ?? ''))
      .map((i) =>
        docker
          .getImage(i.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
  );
  await releaseSharedImages(stacks, docker);
}

/**
 * Shared images (labelled dev.devenv.build-inputs) as `down` of each of these
 * stacks releases them (core/plan/shared-images.ts): their tags, then the
 * content tags of an image no other stack's tag is left on, and older builds
 * of their services. Unforced: an image another test's container uses stays;
 * another test's `up` that loses the image it just found builds it again.
 */
export async function releaseSharedImages(
  stacks: ReadonlySet<string>,
  docker: Docker = mainEngine,
): Promise<void> {
  const remove = (tag: string) =>
    docker
      .getImage(tag)
      .remove()
      .catch(() => undefined);
  for (const stack of stacks) {
    const listed = await docker.listImages({
      filters: JSON.stringify({ label: ['dev.devenv.build-inputs'] }),
    });
    const images = listed.map((image) => ({
      id: image.Id,
      tags: (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>'),
      labels: image.Labels ?? {},
    }));
    for (const step of sharedImageSteps({
      images,
      stack,
      liveStacks: new Set(),
      now: 0,
      graceMs: 0,
    })) {
      for (const ref of step.references) await remove(ref.tag);
      for (const tag of step.release) await remove(tag);
    }
  }
}

/** The containers of the preview proxy serving this port (a test's own port), on this engine. */
export function proxyContainers(port: number, engine: Docker = docker): Promise<Docker.ContainerInfo[]> {
  return engine.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`dev.devenv.proxy-server=${port}`] }),
  });
}

/** Removes the preview proxy serving this port (a test's own port), with its volumes. */
export async function removeProxies(port: number, engine: Docker = docker): Promise<void> {
  for (const proxy of await proxyContainers(port, engine))
    await engine
      .getContainer(proxy.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
}
