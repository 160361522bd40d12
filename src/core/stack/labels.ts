/**
 * devenv's labels are the source of truth: which resources belong to which
 * stack, who owns them, whether a service changed (config hash), and when an
 * ephemeral stack expires. Nothing without `dev.devenv.stack` is ever touched,
 * except what many stacks share: the images devenv builds carry
 * `dev.devenv.build-inputs` instead (core/plan/build-inputs.ts), the Postgres
 * data caches `dev.devenv.data-cache`, and the engine's fill pool (ready copies
 * of those caches and the helper that makes them) `dev.devenv.fill-pool`.
 *
 * Each key is a selector or an annotation, never both. Selectors are what
 * resources are found by: short values valid as Kubernetes label values
 * (core/stack/selector-value.ts). Annotations hold any value (paths, times,
 * branch names as typed) and are read, never selected by. A free-form value
 * devenv selects by is an annotation under its own key (`branch`) plus a
 * derived selector (`branch-slug`, `working-dir-hash`). Docker has labels
 * only: engineLabels merges both sets, in this one place.
 */
import { shortHash, type StackIdentity } from './identity.js';
import { isSelectorValue, selectorValue } from './selector-value.js';

export const LABEL_PREFIX = 'dev.devenv.';

export const Labels = {
  stack: 'dev.devenv.stack',
  project: 'dev.devenv.project',
  branch: 'dev.devenv.branch',
  owner: 'dev.devenv.owner',
  /** The devenv.yaml environment, on stacks of any environment but dev (a selector: a plain name). */
  environment: 'dev.devenv.environment',
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
  workingDirHash: 'dev.devenv.working-dir-hash',
  branchSlug: 'dev.devenv.branch-slug',
  ownerSlug: 'dev.devenv.owner-slug',
  serviceSlug: 'dev.devenv.service-slug',
  /** On images devenv builds for `build:` services (shared by stacks): the hash of the build's inputs. */
  buildInputs: 'dev.devenv.build-inputs',
  /** A data-directory cache (never a stack's): its kind ("postgres") and the image it was made with. */
  dataCache: 'dev.devenv.data-cache',
  dataCacheSource: 'dev.devenv.data-cache-source',
  /**
   * On the engine's pool of ready copies for volume fills (never a stack's): "copy" on a pool
   * volume, "helper" on the container that makes and moves them (adapters/docker/clients/fill-pool.ts).
   */
  fillPool: 'dev.devenv.fill-pool',
  /** On a pool volume: the id of the image its copy is of. */
  fillPoolImage: 'dev.devenv.fill-pool-image',
  /** On a stack the preview proxy routes: the host port of that proxy (a selector). */
  proxy: 'dev.devenv.proxy',
  /** On a proxy container (no stack's): the host port it publishes (a selector). */
  proxyServer: 'dev.devenv.proxy-server',
  /** On a routed service's container: the container port the proxy sends HTTP to. */
  httpPort: 'dev.devenv.http-port',
  /** On a volume a swarm node created for a task (Swarm backend): "swarm"; plain ls/gc leave it to the swarm's. */
  backend: 'dev.devenv.backend',
  /** On a preview stack (`devenv preview up`): "true" (a selector). */
  preview: 'dev.devenv.preview',
  /** On a preview stack: the repository it is a preview of (its worktree is the working dir). */
  previewRepo: 'dev.devenv.preview-repo',
} as const;

/**
 * Selectors derived from annotations (`working-dir`, `branch`, `owner`,
 * `service`), for selecting by values that are not valid selector values.
 * They came after the other labels: resources labelled before carry only the
 * annotations (core/stack/label-query.ts finds those too), and the config
 * hash leaves them out (it covers their annotations).
 */
export const DERIVED_SELECTOR_KEYS: ReadonlySet<string> = new Set([
  Labels.workingDirHash,
  Labels.branchSlug,
  Labels.ownerSlug,
  Labels.serviceSlug,
]);

/** The keys resources are selected by; every other key is an annotation. */
export const SELECTOR_KEYS: ReadonlySet<string> = new Set([
  Labels.stack,
  Labels.ephemeral,
  Labels.environment,
  Labels.buildInputs,
  Labels.proxy,
  Labels.proxyServer,
  Labels.preview,
  ...DERIVED_SELECTOR_KEYS,
]);

export function isSelectorKey(key: string): boolean {
  return SELECTOR_KEYS.has(key);
}

/** A resource's labels, split: selectors (valid selector values) and annotations (any value). */
export interface LabelSet {
  selectors: Record<string, string>;
  annotations: Record<string, string>;
}

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
  /** Routed by the preview proxy published on this host port. */
  proxyPort?: number;
  /** A preview of a branch of this repository (`devenv preview up`). */
  preview?: { repository: string };
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

/** The working-dir-hash selector of a directory (the working-dir annotation holds the path). */
export function workingDirHash(workingDir: string): string {
  return shortHash(workingDir, 16);
}

/**
 * Labels every resource of the stack carries. Annotations are bounded
 * (boundedLabelValue); selectors are short by construction.
 */
export function stackLabels(input: StackLabelInput): LabelSet {
  const selectors: Record<string, string> = {
    [Labels.stack]: input.identity.name,
    [Labels.workingDirHash]: workingDirHash(input.workingDir),
    [Labels.branchSlug]: selectorValue(input.identity.branch),
    [Labels.ownerSlug]: selectorValue(input.identity.owner),
  };
  // dev stacks carry no environment label: their labels (and config hashes) stay as before environments.
  if (input.identity.environment !== 'dev') selectors[Labels.environment] = input.identity.environment;
  const annotations: Record<string, string> = {
    [Labels.project]: input.identity.project,
    [Labels.branch]: input.identity.branch,
    [Labels.owner]: input.identity.owner,
    [Labels.created]: input.createdAt.toISOString(),
    [Labels.workingDir]: input.workingDir,
    [Labels.composeFiles]: input.composeFiles.join(','),
    [Labels.version]: input.version,
  };
  if (input.lifetime.ephemeral) {
    selectors[Labels.ephemeral] = 'true';
    if (input.lifetime.ttlSeconds !== undefined)
      annotations[Labels.ttlSeconds] = String(input.lifetime.ttlSeconds);
    if (input.lifetime.ownerPid !== undefined) annotations[Labels.ownerPid] = String(input.lifetime.ownerPid);
    if (input.lifetime.ownerHost !== undefined) annotations[Labels.ownerHost] = input.lifetime.ownerHost;
  }
  if (input.proxyPort !== undefined) selectors[Labels.proxy] = String(input.proxyPort);
  if (input.preview !== undefined) {
    selectors[Labels.preview] = 'true';
    annotations[Labels.previewRepo] = input.preview.repository;
  }
  for (const [key, value] of Object.entries(annotations)) annotations[key] = boundedLabelValue(value);
  return { selectors, annotations };
}

/** What a service's container carries besides the stack's labels. */
export function serviceLabels(service: string): LabelSet {
  return {
    selectors: { [Labels.serviceSlug]: selectorValue(service) },
    annotations: { [Labels.service]: service },
  };
}

/**
 * Label sets merged into the labels of a Docker object (which has no
 * annotations), later sets winning. Throws (a bug, not a user error) when a
 * selector value is invalid or a key is on the wrong side, so nothing
 * devenv writes could not be selected by on a stricter engine.
 */
export function engineLabels(...sets: Partial<LabelSet>[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const set of sets) {
    for (const [key, value] of Object.entries(set.selectors ?? {})) {
      if (!isSelectorKey(key)) throw new Error(`label ${key} is not a selector key`);
      if (!isSelectorValue(value)) throw new Error(`label ${key}: "${value}" is not a valid selector value`);
      labels[key] = value;
    }
    for (const [key, value] of Object.entries(set.annotations ?? {})) {
      if (isSelectorKey(key)) throw new Error(`label ${key} is a selector key, not an annotation`);
      labels[key] = value;
    }
  }
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
