/**
 * "Initialize once, clone many" for Postgres: a new stack's Postgres can start
 * from a data directory initialized earlier by the same image with the same
 * settings and init scripts, instead of paying initdb (about 4 s here) on every
 * fresh stack. This module decides when that is correct, what the cache key
 * is and where the cache lives; app/postgres-data-cache.ts does the copying.
 *
 * Where PGDATA lives decides how it is restored (the placement):
 * - `volume`: on a volume devenv created in this very `up` — one the template
 *   names, or the one devenv makes for the image's own VOLUME (the official
 *   image declares /var/lib/postgresql/data). The cache is an image per key
 *   holding the directory; the engine copies it into the new, still empty
 *   volume (its own copy on container create: no tar through the API).
 * - `container`: in the container's own filesystem (an image without VOLUME,
 *   or PGDATA outside every mount). The cache is a gzip'd tar on this
 *   machine, put into the created container before it starts.
 * Never: the user's existing data (a volume that was there before this up),
 * a bind mount, a tmpfs, a read-only root filesystem, or anything mounted
 * inside the data directory. Init scripts, if any, must come from bind mounts,
 * whose content is hashed into the key.
 *
 * The key covers the image id, the placement and directory, the user, the
 * entrypoint and command, and every POSTGRES_*, PG*, LANG, LC_* and TZ variable.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { ContainerRequest, MountRequest } from '../../contracts/engine.js';
import { canonicalJson } from '../stack/config-hash.js';
import { imageFamily } from './readiness.js';

export const INITDB_DIR = '/docker-entrypoint-initdb.d';
const DEFAULT_PGDATA = '/var/lib/postgresql/data';
/** 2: the placement and directory in the key; caches are images (volume) or tar.gz blobs (container). */
const CACHE_FORMAT = 2;

export type PostgresCachePlacement = 'volume' | 'container';

interface CandidateBase {
  /** PGDATA in the container. */
  dataDir: string;
  /**
   * The directory the cache holds, whole: the volume's mount target (PGDATA may be
   * a directory inside it), or PGDATA itself in the container's filesystem.
   */
  root: string;
  /** Host paths of bind mounts with init scripts, whose content must be hashed into the key. */
  initSources: string[];
}

export type PostgresCacheCandidate =
  | (CandidateBase & {
      placement: 'volume';
      /** The volume mount holding PGDATA, of a volume created in this up. */
      mount: Extract<MountRequest, { type: 'volume' }>;
    })
  | (CandidateBase & { placement: 'container' });

function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

function cleanPath(path: string): string {
  const normalized = posix.normalize(path);
  return normalized.length > 1 ? normalized.replace(/\/+$/, '') : normalized;
}

/**
 * Whether this container's Postgres data may start from a cache, where it lives,
 * and what needs hashing. `imageEnv`: the image's ENV (its PGDATA counts when the
 * template sets none).
 */
export function postgresCacheCandidate(
  request: ContainerRequest,
  templateImage: string,
  newVolumes: ReadonlySet<string>,
  imageEnv: Readonly<Record<string, string>> = {},
): PostgresCacheCandidate | undefined {
  if (imageFamily(templateImage) !== 'postgres') return undefined;
  const pgdata = request.env['PGDATA'] || imageEnv['PGDATA'] || DEFAULT_PGDATA;
  if (!pgdata.startsWith('/')) return undefined;
  const dataDir = cleanPath(pgdata);
  if (dataDir === '/') return undefined;

  const initMounts = request.mounts.filter((m) => within(m.target, INITDB_DIR));
  if (initMounts.some((m) => m.type !== 'bind')) return undefined;
  const initSources = initMounts.map((m) => (m.type === 'bind' ? m.source : ''));
  // A tmpfs (the `tmpfs:` key) at or above the data directory: fresh at every start, nothing to restore.
  if (Object.keys(request.tmpfs ?? {}).some((target) => within(dataDir, cleanPath(target)))) return undefined;

  const holders = request.mounts.filter((m) => within(dataDir, cleanPath(m.target)));
  const holder = holders.sort((a, b) => b.target.length - a.target.length)[0];
  const root = holder ? cleanPath(holder.target) : dataDir;
  // Nothing else may be mounted inside what the cache restores.
  if (request.mounts.some((m) => m !== holder && within(cleanPath(m.target), root))) return undefined;
  if (holder) {
    if (holder.type !== 'volume' || !newVolumes.has(holder.source) || holder.readOnly) return undefined;
    return { placement: 'volume', dataDir, root, mount: holder, initSources };
  }
  if (request.readOnlyRootfs) return undefined;
  return { placement: 'container', dataDir, root, initSources };
}

const KEY_ENV = /^(POSTGRES_|PG|LANG$|LC_|TZ$)/;

/** The cache key: equal keys mean an identical freshly initialized data directory. */
export function postgresCacheKey(
  request: ContainerRequest,
  imageId: string,
  candidate: Pick<PostgresCacheCandidate, 'placement' | 'root'>,
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
        placement: candidate.placement,
        root: candidate.root,
        init: initContentHash,
      }),
    )
    .digest('hex')
    .slice(0, 32);
}

/** The repository of cache images: devenv's own name, never an official one. */
export const POSTGRES_CACHE_REPOSITORY = 'devenv-cache/postgres-data';

/** Where a key's cache lives: an image (placement volume) or a blob on this machine (placement container). */
export function postgresCacheRef(key: string): string {
  return `${POSTGRES_CACHE_REPOSITORY}:${key}`;
}

export function postgresCacheBlob(key: string): string {
  return `postgres-data-${key}.tar.gz`;
}

/** The directory the cache image holds: the root's last name, at the image's top (the tar's own layout). */
export function cacheImagePath(root: string): string {
  return `/${posix.basename(root)}`;
}

/** The directory a container-placement tar is put into (the tar's top entry is the root's last name). */
export function parentDir(path: string): string {
  return posix.dirname(cleanPath(path));
}
