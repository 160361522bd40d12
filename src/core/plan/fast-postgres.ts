/**
 * `postgres: fast` of an environment: its Postgres services (found as the data cache finds them,
 * by image family) keep their data on a tmpfs and run with durability off
 * (`-c fsync=off -c synchronous_commit=off -c full_page_writes=off`). Losing the data is the
 * point: the data cache skips them (a tmpfs holds PGDATA, see postgres-data-cache.ts), so a cache
 * made under this configuration is never handed to a normal stack.
 */
import { posix } from 'node:path';
import type { ComposeProject, ServiceSpec, ServiceVolumeSpec } from '../compose/model.js';
import { imageFamily } from './readiness.js';

const DEFAULT_PGDATA = '/var/lib/postgresql/data';
export const FAST_POSTGRES_SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

function holds(target: string, dataDir: string): boolean {
  const dir = posix.normalize(target).replace(/\/+$/, '') || '/';
  return dataDir === dir || dataDir.startsWith(dir === '/' ? '/' : `${dir}/`);
}

function fastService(service: ServiceSpec): ServiceSpec {
  const pgdata = service.environment['PGDATA'] || DEFAULT_PGDATA;
  const dataDir = posix.normalize(pgdata).replace(/\/+$/, '');
  // Whatever held the data (a named volume, a bind) becomes a tmpfs at the same place.
  let replaced = false;
  const volumes: ServiceVolumeSpec[] = service.volumes.map((volume) => {
    if (volume.type === 'tmpfs' || !holds(volume.target, dataDir)) return volume;
    replaced = true;
    return { type: 'tmpfs', target: volume.target };
  });
  if (!replaced && !volumes.some((volume) => volume.type === 'tmpfs' && holds(volume.target, dataDir)))
    volumes.push({ type: 'tmpfs', target: dataDir });
  const settings = FAST_POSTGRES_SETTINGS.flatMap((setting) => ['-c', setting]);
  const command =
    service.command === undefined ? ['postgres', ...settings] : [...service.command, ...settings];
  return { ...service, volumes, command };
}

export function isPostgresService(service: ServiceSpec): boolean {
  return service.image !== undefined && imageFamily(service.image) === 'postgres';
}

export function withFastPostgres(project: ComposeProject): ComposeProject {
  const services = Object.fromEntries(
    Object.entries(project.services).map(([name, service]) => [
      name,
      isPostgresService(service) ? fastService(service) : service,
    ]),
  );
  return { ...project, services };
}
