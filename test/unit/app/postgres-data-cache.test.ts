/**
 * The Postgres data-directory cache through `up` and `gc` on the in-memory
 * engine: built once then restored, for each place PGDATA can live; a volume
 * that was not created by this up is never filled; gc drops stale caches.
 * The real engine's side (the data really there, Postgres really up) is
 * test/integration/data-cache/postgres-data-cache.test.ts.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/context.js';
import type { DevenvEvent } from '../../../src/app/events.js';
import { gc } from '../../../src/app/gc.js';
import { up } from '../../../src/app/up.js';
import { dataCacheLabels } from '../../../src/core/stack/labels.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage, type MemoryEngine } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

const compose = (volumes = '') => `
services:
  postgres:
    image: postgres:15
    environment: { POSTGRES_USER: user, POSTGRES_PASSWORD: pass, POSTGRES_DB: app }
    ports: ["5432"]
${volumes}`;
const namedVolume = compose(`    volumes: ["pgdata:/var/lib/postgresql/data"]
volumes:
  pgdata: {}
`);

async function project(text: string): Promise<string> {
  const created = await tempProject({ 'compose.yaml': text }, 'devenv-pgcache-');
  projects.push(created);
  return created.dir;
}

function postgresEngine(imageVolumes: string[]): MemoryEngine {
  const engine = memoryEngine();
  withImage(engine, 'postgres:15', {
    exposedPorts: ['5432/tcp'],
    volumes: imageVolumes,
    env: { PGDATA: '/var/lib/postgresql/data' },
  });
  return engine;
}

/** A blob store in memory, shared by the contexts of one test (one machine). */
function memoryBlobs(): AppContext['dataCache'] & { names(): string[] } {
  const blobs = new Map<string, Buffer>();
  return {
    has: async (name) => blobs.has(name),
    read: (name) => Readable.from([blobs.get(name) ?? Buffer.alloc(0)]),
    async write(name, data) {
      const chunks: Buffer[] = [];
      for await (const chunk of data as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
      blobs.set(name, Buffer.concat(chunks));
    },
    list: async () => [...blobs.keys()].map((name) => ({ name, modifiedAt: Date.now() })),
    remove: async (name) => void blobs.delete(name),
    names: () => [...blobs.keys()],
  };
}

async function upStack(dir: string, engine: MemoryEngine, stack: string, blobs = memoryBlobs()) {
  const { ctx, events } = fakeContext(dir, engine);
  ctx.dataCache = blobs;
  await up(ctx, { stack });
  const cache = events.filter(
    (e): e is Extract<DevenvEvent, { type: 'data.cache' }> => e.type === 'data.cache',
  );
  return { cache, events };
}

describe('the Postgres data cache on the memory engine', () => {
  it("the image's VOLUME: devenv's own volume of the stack, built once, then filled from the cache image", async () => {
    const dir = await project(compose());
    const engine = postgresEngine(['/var/lib/postgresql/data']);
    const first = await upStack(dir, engine, 'first');
    expect(first.cache).toMatchObject([{ outcome: 'built', placement: 'volume', service: 'postgres' }]);
    const ref = first.cache[0]?.cache ?? '';
    expect(ref).toMatch(/^devenv-cache\/postgres-data:[0-9a-f]{32}$/);
    expect(engine.calls).toContain(`import ${ref}`);
    expect(engine.images.get(ref)?.labels).toEqual(
      dataCacheLabels('postgres', engine.images.get('postgres:15')!.id),
    );

    engine.calls.length = 0;
    const second = await upStack(dir, engine, 'second');
    expect(second.cache).toMatchObject([{ outcome: 'restored', placement: 'volume', cache: ref }]);
    expect(engine.calls.filter((c) => c.includes('cache-build'))).toEqual([]);
    expect(engine.calls).toContain(`fill second_postgres-var-lib-postgresql-data from ${ref}`);
    // The fill is done before the service starts.
    const fill = engine.calls.findIndex((c) => c.startsWith('fill '));
    expect(fill).toBeLessThan(engine.calls.indexOf('start second-postgres-1'));
  });

  it('the volume is filled as soon as it exists, while the network is still being created', async () => {
    const dir = await project(compose());
    const engine = postgresEngine(['/var/lib/postgresql/data']);
    await upStack(dir, engine, 'warm');
    engine.calls.length = 0;
    // The network's creation waits (a while at most) for a fill to begin: it begins only if
    // nothing makes it wait for the network.
    const createNetwork = engine.createNetwork.bind(engine);
    let filledMeanwhile = false;
    engine.createNetwork = async (...args) => {
      for (let i = 0; i < 200 && !filledMeanwhile; i++) {
        filledMeanwhile = engine.calls.some((c) => c.startsWith('fill '));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return createNetwork(...args);
    };
    const second = await upStack(dir, engine, 'early');
    expect(second.cache).toMatchObject([{ outcome: 'restored', placement: 'volume' }]);
    expect(filledMeanwhile).toBe(true);
  });

  it("the fill's helper is labelled as the stack's, never as the service's container", async () => {
    const dir = await project(compose());
    const engine = postgresEngine(['/var/lib/postgresql/data']);
    const fill = engine.fillVolumeFromImage.bind(engine);
    const labels: Record<string, string>[] = [];
    engine.fillVolumeFromImage = async (volume, image, path, given) => {
      labels.push(given);
      await fill(volume, image, path, given);
    };
    await upStack(dir, engine, 'labelled');
    expect(labels).toHaveLength(1);
    expect(labels[0]).toMatchObject({
      'dev.devenv.stack': 'labelled',
      'dev.devenv.service': 'postgres.cache-fill',
    });
    expect(labels[0]?.['dev.devenv.service-slug']).not.toBe('postgres');
  });

  it('a named volume: the same cache as the image VOLUME at the same place', async () => {
    const engine = postgresEngine(['/var/lib/postgresql/data']);
    const anonymous = await upStack(await project(compose()), engine, 'anon');
    const named = await upStack(await project(namedVolume), engine, 'named');
    expect(named.cache).toMatchObject([
      { outcome: 'restored', placement: 'volume', cache: anonymous.cache[0]?.cache },
    ]);
  });

  it("no VOLUME: the container's filesystem, from a tar.gz blob put into the created container", async () => {
    const dir = await project(compose());
    const engine = postgresEngine([]);
    const blobs = memoryBlobs();
    const first = await upStack(dir, engine, 'first', blobs);
    expect(first.cache).toMatchObject([{ outcome: 'built', placement: 'container' }]);
    expect(blobs.names()).toEqual([first.cache[0]?.cache]);
    expect(first.cache[0]?.cache).toMatch(/^postgres-data-[0-9a-f]{32}\.tar\.gz$/);
    const second = await upStack(dir, engine, 'second', blobs);
    expect(second.cache).toMatchObject([{ outcome: 'restored', placement: 'container' }]);
  });

  it('a volume of that name someone else made before this up: never filled', async () => {
    const dir = await project(namedVolume);
    const engine = postgresEngine([]);
    await engine.createVolume('mine_pgdata', { owner: 'someone else' });
    const { cache } = await upStack(dir, engine, 'mine');
    expect(cache).toMatchObject([
      { outcome: 'skipped', reason: 'volume mine_pgdata existed before this up' },
    ]);
    expect(engine.calls.filter((c) => c.startsWith('fill ') || c.includes('cache-build'))).toEqual([]);
  });

  it('an engine that did not copy (the volume had content): reported as not used, Postgres initializes', async () => {
    const dir = await project(compose());
    const engine = postgresEngine(['/var/lib/postgresql/data']);
    await upStack(dir, engine, 'first');
    engine.fillVolumeFromImage = async () => undefined;
    const { cache } = await upStack(dir, engine, 'second');
    expect(cache).toMatchObject([
      {
        outcome: 'skipped',
        reason: 'the data directory was not restored (no /var/lib/postgresql/data/PG_VERSION)',
      },
    ]);
  });

  it("on a remote engine the builder publishes on the engine's address and is probed there", async () => {
    const dir = await project(compose());
    const engine = memoryEngine({ publishedHost: '10.0.0.5' });
    withImage(engine, 'postgres:15', {
      exposedPorts: ['5432/tcp'],
      volumes: ['/var/lib/postgresql/data'],
      env: { PGDATA: '/var/lib/postgresql/data' },
    });
    const { ctx, events } = fakeContext(dir, engine);
    ctx.dataCache = memoryBlobs();
    const probed: { host: string; bound: string | undefined }[] = [];
    ctx.probes = {
      ...ctx.probes,
      postgres: async (host) => {
        const builder = [...engine.containers.values()].find((c) => c.request.name.endsWith('-cache-build'));
        if (builder) probed.push({ host, bound: builder.request.ports[0]?.hostIp });
        return true;
      },
    };
    await up(ctx, { stack: 'remote' });
    expect(events.filter((e) => e.type === 'data.cache')).toMatchObject([{ outcome: 'built' }]);
    expect(probed.length).toBeGreaterThan(0);
    expect(new Set(probed.map((p) => `${p.bound} ${p.host}`))).toEqual(new Set(['10.0.0.5 10.0.0.5']));
  });

  it("the stack's own volume from an earlier up: no cache at all (not a new data directory)", async () => {
    const dir = await project(namedVolume);
    const engine = postgresEngine([]);
    await upStack(dir, engine, 'again');
    await engine.removeContainer('again-postgres-1', { force: true, volumes: false });
    const { cache } = await upStack(dir, engine, 'again');
    expect(cache).toEqual([]);
  });
});

describe('gc and the data cache', () => {
  it('drops caches whose Postgres image is gone; --data-cache drops every one, blobs too', async () => {
    const dir = await project(compose());
    const engine = postgresEngine(['/var/lib/postgresql/data']);
    withImage(engine, 'devenv-cache/postgres-data:gone', {
      labels: dataCacheLabels('postgres', 'sha256:gone'),
    });
    const blobs = memoryBlobs();
    const { cache } = await upStack(dir, engine, 'kept', blobs);
    await blobs.write('postgres-data-x.tar.gz', Readable.from([Buffer.from('x')]));

    const { ctx } = fakeContext(dir, engine);
    ctx.dataCache = blobs;
    await gc(ctx, { dryRun: false });
    expect(engine.images.has('devenv-cache/postgres-data:gone')).toBe(false);
    expect(engine.images.has(cache[0]?.cache ?? '')).toBe(true);
    expect(blobs.names()).toEqual(['postgres-data-x.tar.gz']);

    await gc(ctx, { dryRun: false, dataCache: true });
    expect([...engine.images.keys()]).toEqual(['postgres:15']);
    expect(blobs.names()).toEqual([]);
  });
});
