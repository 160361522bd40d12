/**
 * kill -9 of the devenv CLI at chosen moments of an operation, and what the
 * real engine holds afterwards (issue 17, faults).
 *
 * Each operation is timed once uninterrupted (its duration D); trial i of N is
 * killed at a moment drawn uniformly from the i-th of N equal slices of
 * [0, D] (stratified: seeded, reproducible, and spread over the whole
 * operation). Seeded by FAULT_SEED (default 17); FAULT_TRIALS trials per
 * operation (default 2: the CI run; `npm run reliability` runs 20). With
 * FAULT_STATS_DIR set, each operation writes its counts there
 * (bench/reliability.mjs puts them in its Faults table).
 *
 * Unlabelled resources: what appeared on the engine during the trial without
 * any dev.devenv.* label, counted when its name shows it is this run's (the
 * run's prefix, or devenv's anonymize scratch): other tests run beside these.
 */
import type Docker from 'dockerode';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnDevenv } from '../../support/cli.js';
import { docker } from '../../support/engine-state.js';

export const FAULT_SEED = Number(process.env.FAULT_SEED ?? 17);
export const FAULT_TRIALS = Number(process.env.FAULT_TRIALS ?? 2);

/** mulberry32: a small seeded generator, enough to spread moments reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** N moments in [0, durationMs], one drawn uniformly in each of N equal slices, in order. */
export function killMoments(durationMs: number, trials: number, random: () => number): number[] {
  return Array.from({ length: trials }, (_, i) => Math.round(((i + random()) / trials) * durationMs));
}

/** A per-operation generator: the same seed gives each operation the same moments whatever ran before. */
export function operationRandom(operation: string): () => number {
  let hash = FAULT_SEED;
  for (const char of operation) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return seededRandom(hash);
}

export interface RunOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  elapsedMs: number;
  /** Killed while it ran (false: it ended before the moment came). */
  killed: boolean;
}

/** Runs devenv and SIGKILLs it `atMs` after it was spawned (never, when undefined). */
export async function runAndKill(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  atMs?: number,
): Promise<RunOutcome> {
  const started = Date.now();
  const child = spawnDevenv(cwd, args, env);
  let killed = false;
  let ended = false;
  const timer =
    atMs === undefined
      ? undefined
      : setTimeout(() => {
          if (!ended) killed = child.kill('SIGKILL');
        }, atMs);
  const result = await child;
  ended = true;
  clearTimeout(timer);
  return {
    exitCode: result.exitCode ?? (result.signal === 'SIGKILL' ? 137 : -1),
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    elapsedMs: Date.now() - started,
    killed: killed && result.signal === 'SIGKILL',
  };
}

/**
 * Runs devenv and SIGKILLs it as soon as `condition` holds (polled): a moment chosen by what the
 * operation has done (its first container exists, its transaction waits), not by the clock.
 */
export async function runAndKillWhen(
  cwd: string,
  args: string[],
  env: Record<string, string>,
  condition: () => Promise<boolean>,
): Promise<RunOutcome & { atMs: number }> {
  const started = Date.now();
  const child = spawnDevenv(cwd, args, env);
  let ended = false;
  let killed = false;
  let atMs = -1;
  const watching = (async () => {
    while (!ended) {
      if (await condition().catch(() => false)) {
        atMs = Date.now() - started;
        killed = !ended && child.kill('SIGKILL');
        return;
      }
      await sleep(20);
    }
  })();
  const result = await child;
  ended = true;
  await watching;
  return {
    exitCode: result.exitCode ?? (result.signal === 'SIGKILL' ? 137 : -1),
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    elapsedMs: Date.now() - started,
    killed: killed && result.signal === 'SIGKILL',
    atMs,
  };
}

/** Times an uninterrupted run (which must succeed): the operation's D. */
export async function timeOperation(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<number> {
  const run = await runAndKill(cwd, args, env);
  if (run.exitCode !== 0)
    throw new Error(`devenv ${args.join(' ')} failed (${run.exitCode}):\n${run.stdout}${run.stderr}`);
  return run.elapsedMs;
}

export interface Inventory {
  containers: Set<string>;
  networks: Set<string>;
  volumes: Set<string>;
  images: Set<string>;
}

export async function inventory(engine: Docker = docker): Promise<Inventory> {
  const [containers, networks, volumes, images] = await Promise.all([
    engine.listContainers({ all: true }),
    engine.listNetworks(),
    engine.listVolumes(),
    engine.listImages({ all: true }),
  ]);
  return {
    containers: new Set(containers.map((c) => c.Id)),
    networks: new Set(networks.map((n) => n.Id)),
    volumes: new Set((volumes.Volumes ?? []).map((v) => v.Name)),
    images: new Set(images.map((i) => i.Id)),
  };
}

const devenvLabelled = (labels: Record<string, string> | null | undefined) =>
  Object.keys(labels ?? {}).some((key) => key.startsWith('dev.devenv.'));

export interface Unlabelled {
  /** Appeared since `before`, no devenv label, and its name is this run's. */
  ours: string[];
  /** Appeared without a devenv label, not attributable (other tests run beside): reported, not counted. */
  others: string[];
}

/** What appeared since `before` without any dev.devenv.* label. */
export async function unlabelledSince(
  before: Inventory,
  isOurs: (name: string) => boolean,
): Promise<Unlabelled> {
  const [containers, networks, volumes, images] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listNetworks(),
    docker.listVolumes(),
    docker.listImages({ all: true }),
  ]);
  const found: string[] = [
    ...containers
      .filter((c) => !before.containers.has(c.Id) && !devenvLabelled(c.Labels))
      .map((c) => `container ${c.Names.join(',')}`),
    ...networks
      .filter((n) => !before.networks.has(n.Id) && !devenvLabelled(n.Labels))
      .map((n) => `network ${n.Name}`),
    ...(volumes.Volumes ?? [])
      .filter((v) => !before.volumes.has(v.Name) && !devenvLabelled(v.Labels))
      .map((v) => `volume ${v.Name}`),
    ...images
      .filter((i) => !before.images.has(i.Id) && !devenvLabelled(i.Labels))
      .map((i) => `image ${(i.RepoTags ?? []).join(',') || i.Id}`),
  ];
  return { ours: found.filter(isOurs), others: found.filter((f) => !isOurs(f)) };
}

/** Containers per service among these (labelled) containers: the services with more than one. */
export function duplicateServices(containers: readonly Docker.ContainerInfo[]): string[] {
  const count = new Map<string, number>();
  for (const c of containers) {
    const key = `${c.Labels['dev.devenv.stack']}/${c.Labels['dev.devenv.service']}`;
    count.set(key, (count.get(key) ?? 0) + 1);
  }
  return [...count].filter(([, n]) => n > 1).map(([key, n]) => `${key} x${n}`);
}

/** Polls `check` until it returns true or `timeoutMs` passes; the last answer. */
export async function eventually(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 250,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

export interface TrialRecord {
  trial: number;
  momentMs: number;
  /** Killed while running (false: it had ended before the moment). */
  killed: boolean;
  /** Each invariant: true when kept. */
  invariants: Record<string, boolean>;
  unlabelled: string[];
  unattributedUnlabelled: string[];
  duplicates: string[];
  leaked: string[];
  notes: string[];
}

export interface FaultStats {
  operation: string;
  seed: number;
  trials: number;
  durationMs: number;
  momentsMs: number[];
  /** Trials killed while the operation ran. */
  faultsInjected: number;
  /** Trials whose every invariant held. */
  survived: number;
  leakedResources: number;
  unlabelledResources: number;
  duplicateContainers: number;
  /** db snapshot restore: a database neither old nor the snapshot while devenv said nothing (must be 0). */
  badRestoresReportedGood: number;
  /** Anonymize: an output dump left under its name while incomplete (must be 0). */
  partialOutputs: number;
  records: TrialRecord[];
}

export function newTrial(trial: number, momentMs: number): TrialRecord {
  return {
    trial,
    momentMs,
    killed: false,
    invariants: {},
    unlabelled: [],
    unattributedUnlabelled: [],
    duplicates: [],
    leaked: [],
    notes: [],
  };
}

export function summarize(
  operation: string,
  durationMs: number,
  records: TrialRecord[],
  extra: { badRestoresReportedGood?: number; partialOutputs?: number } = {},
): FaultStats {
  const stats: FaultStats = {
    operation,
    seed: FAULT_SEED,
    trials: records.length,
    durationMs,
    momentsMs: records.map((r) => r.momentMs),
    faultsInjected: records.filter((r) => r.killed).length,
    survived: records.filter((r) => Object.values(r.invariants).every(Boolean)).length,
    leakedResources: records.reduce((sum, r) => sum + r.leaked.length, 0),
    unlabelledResources: records.reduce((sum, r) => sum + r.unlabelled.length, 0),
    duplicateContainers: records.reduce((sum, r) => sum + r.duplicates.length, 0),
    badRestoresReportedGood: extra.badRestoresReportedGood ?? 0,
    partialOutputs: extra.partialOutputs ?? 0,
    records,
  };
  const dir = process.env.FAULT_STATS_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `fault-${operation.replace(/[^a-z0-9]+/gi, '-')}.json`), JSON.stringify(stats));
  }
  return stats;
}

/** The records whose invariants broke, for an assertion message. */
export function failures(stats: FaultStats): string {
  return stats.records
    .filter((r) => !Object.values(r.invariants).every(Boolean))
    .map(
      (r) =>
        `trial ${r.trial} killed at ${r.momentMs} ms (killed: ${r.killed}): broken ${Object.entries(
          r.invariants,
        )
          .filter(([, ok]) => !ok)
          .map(([name]) => name)
          .join(
            ', ',
          )}; unlabelled ${JSON.stringify(r.unlabelled)} duplicates ${JSON.stringify(r.duplicates)} leaked ${JSON.stringify(r.leaked)} notes ${JSON.stringify(r.notes)}`,
    )
    .join('\n');
}
