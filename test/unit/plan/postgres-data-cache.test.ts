/**
 * When a new Postgres data directory may start from the cache, where it lives
 * (a volume created in this up, or the container's own filesystem), and what
 * the key covers; and which caches gc drops.
 */
import { describe, expect, it } from 'vitest';
import type { ContainerRequest, MountRequest } from '../../../src/contracts/engine.js';
import {
  DATA_CACHE_MAX_AGE_MS,
  staleDataCacheBlobs,
  staleDataCaches,
} from '../../../src/core/plan/data-cache-leftovers.js';
import {
  cacheImagePath,
  parentDir,
  postgresCacheCandidate,
  postgresCacheKey,
} from '../../../src/core/plan/postgres-data-cache.js';
import { dataCacheLabels } from '../../../src/core/stack/labels.js';
import { containerRequest } from '../../support/container-request.js';

const DATA = '/var/lib/postgresql/data';
const volume = (source: string, target = DATA): Extract<MountRequest, { type: 'volume' }> => ({
  type: 'volume',
  source,
  target,
  readOnly: false,
});

function postgres(overrides: Partial<ContainerRequest> = {}): ContainerRequest {
  return containerRequest({
    name: 's-postgres-1',
    image: 'devenv-test/postgres:15',
    env: { POSTGRES_USER: 'user', POSTGRES_PASSWORD: 'pass', POSTGRES_DB: 'app' },
    ...overrides,
  });
}

const fresh = new Set(['s_pgdata', 's_postgres-var-lib-postgresql-data']);

describe('postgresCacheCandidate: where PGDATA lives', () => {
  it('a volume created in this up (named, or the one devenv makes for the image VOLUME)', () => {
    const mount = volume('s_postgres-var-lib-postgresql-data');
    const candidate = postgresCacheCandidate(postgres({ mounts: [mount] }), 'postgres:15', fresh);
    expect(candidate).toEqual({
      placement: 'volume',
      dataDir: DATA,
      root: DATA,
      mount,
      initSources: [],
    });
  });

  it('PGDATA in a subdirectory of the volume: the whole volume is the cache', () => {
    const request = postgres({ mounts: [volume('s_pgdata')], env: { PGDATA: `${DATA}/pgdata/` } });
    expect(postgresCacheCandidate(request, 'postgres:15', fresh)).toMatchObject({
      placement: 'volume',
      dataDir: `${DATA}/pgdata`,
      root: DATA,
    });
  });

  it('no mount holds PGDATA: the container filesystem', () => {
    expect(postgresCacheCandidate(postgres(), 'postgres:15', fresh)).toEqual({
      placement: 'container',
      dataDir: DATA,
      root: DATA,
      initSources: [],
    });
  });

  it("the image's own PGDATA counts when the template sets none", () => {
    const candidate = postgresCacheCandidate(postgres(), 'postgres:15', fresh, { PGDATA: '/pg/data' });
    expect(candidate).toMatchObject({ placement: 'container', dataDir: '/pg/data', root: '/pg/data' });
  });

  it('never a volume that was there before this up, a bind mount, a tmpfs or a read-only one', () => {
    const cases: ContainerRequest[] = [
      postgres({ mounts: [volume('existing')] }),
      postgres({ mounts: [{ type: 'bind', source: '/home/me/pg', target: DATA, readOnly: false }] }),
      postgres({ mounts: [{ type: 'tmpfs', target: DATA }] }),
      postgres({ tmpfs: { '/var/lib/postgresql': '' } }),
      postgres({ mounts: [{ ...volume('s_pgdata'), readOnly: true }] }),
      postgres({ readOnlyRootfs: true }),
    ];
    for (const request of cases)
      expect(postgresCacheCandidate(request, 'postgres:15', fresh)).toBeUndefined();
  });

  it('nothing else mounted inside what would be restored', () => {
    const inside = { type: 'bind', source: '/x', target: `${DATA}/conf`, readOnly: true } as const;
    expect(
      postgresCacheCandidate(postgres({ mounts: [volume('s_pgdata'), inside] }), 'postgres:15', fresh),
    ).toBeUndefined();
    expect(postgresCacheCandidate(postgres({ mounts: [inside] }), 'postgres:15', fresh)).toBeUndefined();
  });

  it('init scripts only from bind mounts, whose sources are hashed', () => {
    const init = {
      type: 'bind',
      source: '/p/init',
      target: '/docker-entrypoint-initdb.d',
      readOnly: true,
    } as const;
    expect(postgresCacheCandidate(postgres({ mounts: [init] }), 'postgres:15', fresh)).toMatchObject({
      initSources: ['/p/init'],
    });
    expect(
      postgresCacheCandidate(
        postgres({ mounts: [volume('s_pgdata', '/docker-entrypoint-initdb.d')] }),
        'postgres:15',
        fresh,
      ),
    ).toBeUndefined();
  });

  it('only Postgres images', () => {
    expect(postgresCacheCandidate(postgres(), 'redis:7', fresh)).toBeUndefined();
    expect(postgresCacheCandidate(postgres(), 'devenv-test/postgres:15-novolume', fresh)).toBeDefined();
  });
});

describe('postgresCacheKey', () => {
  type Where = { placement: 'volume' | 'container'; root: string };
  const container: Where = { placement: 'container', root: DATA };
  const key = (request: ContainerRequest, where: Where = container, init = 'i') =>
    postgresCacheKey(request, 'sha256:img', where, init);

  it('changes with the image, a setting, the init scripts, the placement and the directory', () => {
    const base = key(postgres());
    expect(key(postgres())).toBe(base);
    expect(postgresCacheKey(postgres(), 'sha256:other', container, 'i')).not.toBe(base);
    expect(key(postgres({ env: { ...postgres().env, POSTGRES_DB: 'other' } }))).not.toBe(base);
    expect(key(postgres({ env: { ...postgres().env, POSTGRES_INITDB_ARGS: '-E SQL_ASCII' } }))).not.toBe(
      base,
    );
    expect(key(postgres({ env: { ...postgres().env, LC_ALL: 'C' } }))).not.toBe(base);
    expect(key(postgres({ command: ['postgres', '-c', 'fsync=off'] }))).not.toBe(base);
    expect(key(postgres(), container, 'j')).not.toBe(base);
    expect(key(postgres(), { placement: 'volume', root: DATA })).not.toBe(base);
    expect(key(postgres(), { placement: 'container', root: '/pg' })).not.toBe(base);
  });

  it('not with what does not shape the data directory', () => {
    const base = key(postgres());
    expect(key(postgres({ env: { ...postgres().env, APP_MODE: 'x' }, name: 'other-postgres-1' }))).toBe(base);
  });
});

describe('cache paths', () => {
  it('the image holds the root under its last name; a tar goes into the parent', () => {
    expect(cacheImagePath(DATA)).toBe('/data');
    expect(parentDir(DATA)).toBe('/var/lib/postgresql');
    expect(parentDir('/pgdata/')).toBe('/');
  });
});

describe('staleDataCaches', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
  const cache = (id: string, source: string, msAgo: number, tags = [`devenv-cache/postgres-data:${id}`]) => ({
    id,
    tags,
    labels: dataCacheLabels('postgres', source),
    createdAt: iso(msAgo),
  });
  const images = [
    cache('a', 'sha256:present', 60_000),
    cache('b', 'sha256:gone', 60_000),
    cache('c', 'sha256:present', DATA_CACHE_MAX_AGE_MS + 1),
    cache('d', 'sha256:present', 20 * 60_000, []),
    cache('e', 'sha256:present', 60_000, []),
    { id: 'f', tags: ['app:latest'], labels: {}, createdAt: iso(DATA_CACHE_MAX_AGE_MS * 2) },
  ];
  const input = { images, presentImageIds: new Set(['sha256:present']), now, graceMs: 10 * 60_000 };

  it('drops caches whose image is gone, old ones and settled untagged duplicates; nothing else', () => {
    const verdicts = staleDataCaches({ ...input, all: false });
    expect(verdicts.map((v) => v.image.id)).toEqual(['b', 'c', 'd']);
    expect(verdicts[0]?.reason).toContain('is gone');
  });

  it('--data-cache: every cache, and never an image that is not one', () => {
    expect(staleDataCaches({ ...input, all: true }).map((v) => v.image.id)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
  });

  it('blobs by age, or all; only data-cache blobs', () => {
    const blobs = [
      { name: 'postgres-data-1.tar.gz', modifiedAt: now - 1000 },
      { name: 'postgres-data-2.tar', modifiedAt: now - DATA_CACHE_MAX_AGE_MS - 1 },
      { name: 'other', modifiedAt: 0 },
    ];
    expect(staleDataCacheBlobs(blobs, now, false).map((b) => b.name)).toEqual(['postgres-data-2.tar']);
    expect(staleDataCacheBlobs(blobs, now, true).map((b) => b.name)).toEqual([
      'postgres-data-1.tar.gz',
      'postgres-data-2.tar',
    ]);
  });
});
