/**
 * Starts a new stack's Postgres from a cached, freshly initialized data
 * directory (see core/plan/postgres-data-cache.ts for when that is correct and
 * where the cache lives). On a miss, a short-lived builder container of the
 * same image, settings and init scripts initializes one and is stopped
 * cleanly; its data directory becomes the cache. Then, before Postgres starts:
 * - PGDATA on a volume created in this up: the cache is an image holding the
 *   directory, and the engine copies it into the still empty volume itself
 *   (ContainerEngine.fillVolumeFromImage: 0.2-1.2 s for 48 MB here, against
 *   ~0.7-0.9 s for the same data as a tar through the API; bench/pgdata-restore.mjs),
 *   or, on a local overlay2 engine, moves in a copy its fill pool made ready
 *   after the previous fill (tens of ms);
 * - PGDATA in the container's own filesystem: the cache is a gzip'd tar on this
 *   machine (7.5 MB for 48 MB), put into the created container.
 * Either way the restored directory is checked (PG_VERSION) before it is reported.
 * The builder and its volume carry the stack's labels, so an interrupted build is
 * removed by `down` like the rest of the stack; the cache itself carries devenv's
 * data-cache labels and no stack's (`down --volumes` leaves it, `gc` ages it out).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ContainerEngine, ContainerRequest, EngineInfo } from '../contracts/engine.js';
import { DataCacheError } from '../core/errors.js';
import {
  cacheImagePath,
  parentDir,
  postgresCacheBlob,
  postgresCacheKey,
  postgresCacheRef,
  type PostgresCacheCandidate,
} from '../core/plan/postgres-data-cache.js';
import { reachableHost } from '../core/plan/port-plan.js';
import { dataCacheLabels, engineLabels, Labels, serviceLabels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';

export interface PostgresSeedRequest {
  engine: ContainerEngine;
  info: EngineInfo;
  service: string;
  request: ContainerRequest;
  imageId: string;
  candidate: PostgresCacheCandidate;
  /**
   * Where the builder publishes its port to be probed from here: the stack's host IP (loopback
   * on a local engine; a remote engine's loopback is out of reach, its own address is not).
   */
  hostIp: string;
  timeoutMs: number;
}

export interface CacheSeedRequest extends PostgresSeedRequest {
  /** The created, not yet started, service container. */
  containerId: string;
}

type VolumeCandidate = Extract<PostgresCacheCandidate, { placement: 'volume' }>;

export type SeedOutcome = 'restored' | 'built' | 'skipped';

/** Runs a builder of the same image and settings until Postgres is ready, stops it cleanly, hands over its data. */
async function buildCache(
  ctx: AppContext,
  seed: PostgresSeedRequest,
  keep: (tar: NodeJS.ReadableStream) => Promise<unknown>,
): Promise<void> {
  const { engine, request, candidate } = seed;
  const stack = request.labels[Labels.stack] ?? '';
  const buildVolume = candidate.placement === 'volume' ? `${candidate.mount.source}-cache-build` : undefined;
  if (buildVolume !== undefined)
    await engine.createVolume(buildVolume, {
      ...request.labels,
      [Labels.volume]: `${seed.service}:cache-build`,
    });
  let builderId: string | undefined;
  try {
    const builder: ContainerRequest = {
      ...request,
      name: `${request.name}-cache-build`,
      labels: { ...request.labels, ...engineLabels(serviceLabels(`${seed.service}.cache-build`)) },
      ports: [{ containerPort: 5432, protocol: 'tcp', hostIp: seed.hostIp }],
      mounts:
        candidate.placement === 'volume' && buildVolume !== undefined
          ? request.mounts.map((m) =>
              m === candidate.mount ? { ...candidate.mount, source: buildVolume } : m,
            )
          : request.mounts,
      networks: [],
      restartPolicy: 'no',
      stopTimeoutSeconds: 10,
    };
    delete builder.healthcheck;
    builderId = await engine.createContainer(builder);
    await engine.startContainer(builderId);
    const user = request.env['POSTGRES_USER'] || 'postgres';
    const database = request.env['POSTGRES_DB'] || user;
    const deadline = ctx.clock.now() + seed.timeoutMs;
    for (;;) {
      const status = await engine.inspectContainer(builderId);
      const port = status?.ports.find((p) => p.containerPort === 5432)?.hostPort;
      if (status?.state === 'exited')
        throw new DataCacheError(
          `the cache builder for ${stack}/${seed.service} exited with ${status.exitCode}`,
        );
      if (
        port !== undefined &&
        (await ctx.probes.postgres(reachableHost(seed.info.publishedHost, seed.hostIp), port, {
          user,
          database,
        }))
      )
        break;
      if (ctx.clock.now() > deadline) throw new DataCacheError('the cache builder did not become ready');
      await sleep(50);
    }
    await engine.stopContainer(builderId, 10);
    const status = await engine.inspectContainer(builderId);
    if (status?.exitCode !== 0)
      throw new DataCacheError(`the cache builder stopped with exit code ${status?.exitCode}`);
    await keep(await engine.copyFromContainer(builderId, candidate.root));
  } finally {
    if (builderId) await engine.removeContainer(builderId, { force: true, volumes: true });
    if (buildVolume !== undefined) await engine.removeVolume(buildVolume);
  }
}

/** Whether the volume was created by this very `up` (it carries this up's labels, creation time included). */
async function createdByThisUp(seed: PostgresSeedRequest, volume: string): Promise<boolean> {
  const stack = seed.request.labels[Labels.stack];
  const created = seed.request.labels[Labels.created];
  if (stack === undefined || created === undefined) return false;
  const volumes = await seed.engine.listVolumes({ [Labels.stack]: stack, [Labels.created]: created });
  return volumes.some((v) => v.name === volume);
}

/** The data directory must now be an initialized one (the engine leaves a volume with content alone). */
async function requireDataDirectory(seed: PostgresSeedRequest, containerId: string): Promise<void> {
  const path = `${seed.candidate.dataDir}/PG_VERSION`;
  if (!(await seed.engine.pathExists(containerId, path)))
    throw new DataCacheError(`the data directory was not restored (no ${path})`);
}

/** Fills the new volume from the cache image (built first on a miss): needs the volume, not the container. */
async function restoreIntoVolume(
  ctx: AppContext,
  seed: PostgresSeedRequest,
  candidate: VolumeCandidate,
  key: string,
): Promise<'restored' | 'built'> {
  const { engine } = seed;
  const ref = postgresCacheRef(key);
  const [ours, cached] = await Promise.all([
    createdByThisUp(seed, candidate.mount.source),
    engine.inspectImage(ref),
  ]);
  // Belt and braces: the plan only offers volumes this up creates, but a volume of that name
  // made by someone else (no devenv labels) is taken as it is by the engine's create.
  if (!ours) throw new DataCacheError(`volume ${candidate.mount.source} existed before this up`);
  let outcome: 'restored' | 'built' = 'restored';
  if (!cached) {
    await buildCache(ctx, seed, (tar) =>
      engine.importImage(tar, ref, dataCacheLabels('postgres', seed.imageId)),
    );
    outcome = 'built';
  }
  // Selector and annotation both name the helper, as the builder's do: never taken for the service's container.
  // The service's own image runs the engine's fill-pool helper (it has sh, cp and mv).
  await engine.fillVolumeFromImage(
    candidate.mount.source,
    ref,
    cacheImagePath(candidate.root),
    { ...seed.request.labels, ...engineLabels(serviceLabels(`${seed.service}.cache-fill`)) },
    { toolsImage: seed.imageId },
  );
  return outcome;
}

/** Puts the cached directory (built first on a miss) into the created container's own filesystem. */
async function restoreIntoContainer(
  ctx: AppContext,
  seed: PostgresSeedRequest,
  key: string,
  containerId: string,
): Promise<'restored' | 'built'> {
  const blob = postgresCacheBlob(key);
  let outcome: 'restored' | 'built' = 'restored';
  if (!(await ctx.dataCache.has(blob))) {
    await buildCache(ctx, seed, async (tar) => {
      const gzip = createGzip({ level: 1 });
      await Promise.all([pipeline(tar, gzip), ctx.dataCache.write(blob, gzip)]);
    });
    outcome = 'built';
  }
  await seed.engine.copyToContainer(containerId, parentDir(seed.candidate.root), ctx.dataCache.read(blob));
  return outcome;
}

/** A seed under way: what could start before the service's container exists has started. */
export interface PostgresSeed {
  /**
   * With the created, not yet started, service container: completes the restore, checks it and
   * says what happened in a `data.cache` event. Never fails `up` (a cache problem falls back to a
   * normal init).
   */
  finish(containerId: string): Promise<SeedOutcome>;
  /** Settles when the work started early has ended, whether or not finish() is ever called. */
  settled: Promise<unknown>;
}

/**
 * Starts seeding as soon as the data's place exists. PGDATA on a volume this up created: the
 * cache is looked up (or built) and the volume filled at once, while the network and the
 * service's container are still being created. PGDATA in the container: only the key now.
 */
export function startPostgresSeed(ctx: AppContext, seed: PostgresSeedRequest): PostgresSeed {
  const started = ctx.clock.now();
  const { candidate } = seed;
  const event: {
    type: 'data.cache';
    service: string;
    placement: typeof candidate.placement;
    cache?: string;
  } = { type: 'data.cache', service: seed.service, placement: candidate.placement };
  const early = (async () => {
    const initHash = await ctx.contentHash(candidate.initSources);
    const key = postgresCacheKey(seed.request, seed.imageId, candidate, initHash);
    event.cache = candidate.placement === 'volume' ? postgresCacheRef(key) : postgresCacheBlob(key);
    const filled =
      candidate.placement === 'volume' ? await restoreIntoVolume(ctx, seed, candidate, key) : undefined;
    return { key, filled };
  })();
  const settled = early.catch(() => undefined);
  return {
    settled,
    async finish(containerId) {
      try {
        const { key, filled } = await early;
        const outcome = filled ?? (await restoreIntoContainer(ctx, seed, key, containerId));
        await requireDataDirectory(seed, containerId);
        ctx.emit({ ...event, outcome, durationMs: ctx.clock.now() - started });
        return outcome;
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        ctx.emit({ ...event, outcome: 'skipped', durationMs: ctx.clock.now() - started, reason });
        return 'skipped';
      }
    },
  };
}

/** Seeds a created, not yet started, container in one go (start and finish). */
export function seedPostgresData(ctx: AppContext, seed: CacheSeedRequest): Promise<SeedOutcome> {
  return startPostgresSeed(ctx, seed).finish(seed.containerId);
}
