/**
 * "Initialize once, clone many" for Postgres: a new stack's Postgres volume
 * can start from a data directory initialized earlier by the same image with
 * the same settings and init scripts, instead of paying initdb (about 2 s)
 * on every fresh stack. This module decides when that is correct and what the
 * cache key is; app/postgres-data-cache.ts does the copying.
 *
 * Reuse only when: the image is a Postgres image; its data directory (PGDATA)
 * lives on a devenv volume created in this very `up` (never the user's existing
 * data, never a bind mount); init scripts, if any, come from bind mounts whose
 * content is hashed into the key. The key covers the image id, the user, the
 * entrypoint and command, and every POSTGRES_*, PG*, LANG, LC_* and TZ variable.
 */
import { createHash } from 'node:crypto';
import type { ContainerRequest, MountRequest } from '../../contracts/engine.js';
import { canonicalJson } from '../stack/config-hash.js';
import { imageFamily } from './readiness.js';

export const INITDB_DIR = '/docker-entrypoint-initdb.d';
const DEFAULT_PGDATA = '/var/lib/postgresql/data';
const CACHE_FORMAT = 1;

export interface PostgresCacheCandidate {
  /** The volume mount holding PGDATA. */
  mount: Extract<MountRequest, { type: 'volume' }>;
  /** Host paths of bind mounts with init scripts, whose content must be hashed into the key. */
  initSources: string[];
}

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** Whether this container's Postgres data may start from a cache, and what needs hashing. */
export function postgresCacheCandidate(
  request: ContainerRequest,
  templateImage: string,
  newVolumes: ReadonlySet<string>,
): PostgresCacheCandidate | undefined {
  if (imageFamily(templateImage) !== 'postgres') return undefined;
  const dataDir = request.env['PGDATA'] ?? DEFAULT_PGDATA;
  const holders = request.mounts.filter((m) => within(dataDir, m.target));
  const mount = holders.sort((a, b) => b.target.length - a.target.length)[0];
  if (!mount || mount.type !== 'volume' || !newVolumes.has(mount.source)) return undefined;
  // Nothing else may be mounted inside the data directory.
  if (request.mounts.some((m) => m !== mount && within(m.target, mount.target))) return undefined;
  const initMounts = request.mounts.filter((m) => within(m.target, INITDB_DIR));
  if (initMounts.some((m) => m.type !== 'bind')) return undefined;
  return { mount, initSources: initMounts.map((m) => (m.type === 'bind' ? m.source : '')) };
}

const KEY_ENV = /^(POSTGRES_|PG|LANG$|LC_|TZ$)/;

/** The cache key: equal keys mean an identical freshly initialized data directory. */
export function postgresCacheKey(
  request: ContainerRequest,
  imageId: string,
  mountTarget: string,
  initContentHash: string,
): string {
  const env = Object.fromEntries(
    Object.entries(request.env)
      .filter(([key]) => KEY_ENV.test(key))
      .map(([key, value]) => [
        key,
        key === 'POSTGRES_PASSWORD' ? createHash('sha256').update(value).digest('hex') : value,
      ]),
  );
  return createHash('sha256')
    .update(
      canonicalJson({
        format: CACHE_FORMAT,
        imageId,
        env,
        user: request.user ?? '',
        entrypoint: request.entrypoint ?? null,
        command: request.command ?? null,
        mountTarget,
        init: initContentHash,
      }),
    )
    .digest('hex')
    .slice(0, 32);
}
