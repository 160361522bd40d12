/**
 * Starts a new stack's Postgres from a cached, freshly initialized data
 * directory (see core/plan/postgres-data-cache.ts for when that is correct).
 * On a miss, a short-lived builder container of the same image, settings and
 * init scripts initializes one, is stopped cleanly, and its data directory is
 * archived into the cache; every later stack restores it into its new volume
 * before Postgres starts. The builder and its volume carry the stack's labels,
 * so an interrupted build is removed by `down` like the rest of the stack.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerEngine, ContainerRequest, EngineInfo } from '../contracts/engine.js';
import { postgresCacheKey, type PostgresCacheCandidate } from '../core/plan/postgres-data-cache.js';
import { engineLabels, Labels, serviceLabels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';

export interface CacheSeedRequest {
  engine: ContainerEngine;
  info: EngineInfo;
  service: string;
  request: ContainerRequest;
  imageId: string;
  candidate: PostgresCacheCandidate;
  /** The created, not yet started, service container. */
  containerId: string;
  timeoutMs: number;
}

function parentDir(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(0, trimmed.lastIndexOf('/')) || '/';
}

async function buildCache(ctx: AppContext, seed: CacheSeedRequest, blob: string): Promise<void> {
  const { engine, request, candidate } = seed;
  const volume = `${candidate.mount.source}-cache-build`;
  const stack = request.labels[Labels.stack] ?? '';
  await engine.createVolume(volume, { ...request.labels, [Labels.volume]: `${seed.service}:cache-build` });
  let builderId: string | undefined;
  try {
    const builder: ContainerRequest = {
      ...request,
      name: `${request.name}-cache-build`,
      labels: { ...request.labels, ...engineLabels(serviceLabels(`${seed.service}.cache-build`)) },
      ports: [{ containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1' }],
      mounts: request.mounts.map((m) => (m === candidate.mount ? { ...candidate.mount, source: volume } : m)),
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
        throw new Error(`cache builder for ${stack}/${seed.service} exited with ${status.exitCode}`);
      if (
        port !== undefined &&
        (await ctx.probes.postgres(seed.info.publishedHost, port, { user, database }))
      )
        break;
      if (ctx.clock.now() > deadline) throw new Error('cache builder did not become ready');
      await sleep(50);
    }
    await engine.stopContainer(builderId, 10);
    const status = await engine.inspectContainer(builderId);
    if (status?.exitCode !== 0) throw new Error(`cache builder stopped with exit code ${status?.exitCode}`);
    await ctx.dataCache.write(blob, await engine.copyFromContainer(builderId, candidate.mount.target));
  } finally {
    if (builderId) await engine.removeContainer(builderId, { force: true, volumes: true });
    await engine.removeVolume(volume);
  }
}

/** Returns what happened, for the event stream; never fails `up` (a cache problem falls back to a normal init). */
export async function seedPostgresData(
  ctx: AppContext,
  seed: CacheSeedRequest,
): Promise<'restored' | 'built' | 'skipped'> {
  const { candidate } = seed;
  let outcome: 'restored' | 'built' = 'restored';
  try {
    const initHash = await ctx.contentHash(candidate.initSources);
    const key = postgresCacheKey(seed.request, seed.imageId, candidate.mount.target, initHash);
    const blob = `postgres-data-${key}.tar`;
    if (!(await ctx.dataCache.has(blob))) {
      await buildCache(ctx, seed, blob);
      outcome = 'built';
    }
    await seed.engine.copyToContainer(
      seed.containerId,
      parentDir(candidate.mount.target),
      ctx.dataCache.read(blob),
    );
    return outcome;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.emit({
      type: 'info',
      message: `${seed.service}: data directory cache not used (${(error as Error).message}); initializing normally`,
    });
    return 'skipped';
  }
}
