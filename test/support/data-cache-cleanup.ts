/**
 * A test's own Postgres data cache, removed as `gc` would (unforced: an image a
 * container still uses stays), with its ready copies in the engine's fill pool
 * (adapters/docker/clients/fill-pool.ts), which are labelled with the image's id.
 */
import type Docker from 'dockerode';

export async function removeDataCacheImage(docker: Docker, ref: string): Promise<void> {
  const id = await docker
    .getImage(ref)
    .inspect()
    .then(
      (image) => image.Id,
      () => undefined,
    );
  await docker
    .getImage(ref)
    .remove()
    .catch(() => undefined);
  if (id === undefined) return;
  const pools = await docker.listVolumes({
    filters: JSON.stringify({ label: [`dev.devenv.fill-pool-image=${id}`] }),
  });
  for (const pool of pools.Volumes ?? [])
    await docker
      .getVolume(pool.Name)
      .remove()
      .catch(() => undefined);
}
