/**
 * devenv's labels are the source of truth: which resources belong to which
 * stack, who owns them, whether a service changed (config hash), and when an
 * ephemeral stack expires. Nothing without `dev.devenv.stack` is ever touched.
 */
import { shortHash, type StackIdentity } from './identity.js';

export const LABEL_PREFIX = 'dev.devenv.';

export const Labels = {
  stack: 'dev.devenv.stack',
  project: 'dev.devenv.project',
  branch: 'dev.devenv.branch',
  owner: 'dev.devenv.owner',
  service: 'dev.devenv.service',
  network: 'dev.devenv.network',
  volume: 'dev.devenv.volume',
  configHash: 'dev.devenv.config-hash',
  created: 'dev.devenv.created',
  workingDir: 'dev.devenv.working-dir',
  composeFiles: 'dev.devenv.compose-files',
  ephemeral: 'dev.devenv.ephemeral',
  ttlSeconds: 'dev.devenv.ttl-seconds',
  ownerPid: 'dev.devenv.owner-pid',
  ownerHost: 'dev.devenv.owner-host',
  version: 'dev.devenv.version',
  stopTimeout: 'dev.devenv.stop-timeout',
  /** A data-directory cache (never a stack's): its kind ("postgres") and the image it was made with. */
  dataCache: 'dev.devenv.data-cache',
  dataCacheSource: 'dev.devenv.data-cache-source',
} as const;

export interface StackLifetime {
  ephemeral: boolean;
  /** For ephemeral stacks: removed by gc after this long. */
  ttlSeconds?: number;
  /** The process that owns an ephemeral stack; gc removes it when this process is gone. */
  ownerPid?: number;
  ownerHost?: string;
}

export interface StackLabelInput {
  identity: StackIdentity;
  createdAt: Date;
  workingDir: string;
  composeFiles: string[];
  lifetime: StackLifetime;
  version: string;
}

/** The longest label value devenv writes (the engine sends labels of image builds in the URL). */
export const MAX_LABEL_VALUE = 1024;

/**
 * A label value of at most MAX_LABEL_VALUE characters: as given when short,
 * else its beginning, "…" and a hash of the whole value (so distinct long
 * values stay distinct).
 */
export function boundedLabelValue(value: string, max = MAX_LABEL_VALUE): string {
  if (value.length <= max) return value;
  const suffix = `…sha256:${shortHash(value, 16)}`;
  return `${value.slice(0, max - suffix.length)}${suffix}`;
}

/** Labels every resource of the stack carries; every value bounded (boundedLabelValue). */
export function stackLabels(input: StackLabelInput): Record<string, string> {
  const labels: Record<string, string> = {
    [Labels.stack]: input.identity.name,
    [Labels.project]: input.identity.project,
    [Labels.branch]: input.identity.branch,
    [Labels.owner]: input.identity.owner,
    [Labels.created]: input.createdAt.toISOString(),
    [Labels.workingDir]: input.workingDir,
    [Labels.composeFiles]: input.composeFiles.join(','),
    [Labels.version]: input.version,
  };
  if (input.lifetime.ephemeral) {
    labels[Labels.ephemeral] = 'true';
    if (input.lifetime.ttlSeconds !== undefined)
      labels[Labels.ttlSeconds] = String(input.lifetime.ttlSeconds);
    if (input.lifetime.ownerPid !== undefined) labels[Labels.ownerPid] = String(input.lifetime.ownerPid);
    if (input.lifetime.ownerHost !== undefined) labels[Labels.ownerHost] = input.lifetime.ownerHost;
  }
  for (const [key, value] of Object.entries(labels)) labels[key] = boundedLabelValue(value);
  return labels;
}

/**
 * Labels of a cached data directory: devenv's, but no stack's, so `down --volumes`
 * leaves it and `gc` finds it (app/data-cache-gc.ts).
 */
export function dataCacheLabels(kind: 'postgres', sourceImageId: string): Record<string, string> {
  return { [Labels.dataCache]: kind, [Labels.dataCacheSource]: sourceImageId };
}

/** Label selector for everything of one stack. */
export function stackSelector(stack: string): Record<string, string> {
  return { [Labels.stack]: stack };
}

/** Label selector for everything devenv created, any stack. */
export function anyStackSelector(): Record<string, true> {
  return { [Labels.stack]: true };
}
