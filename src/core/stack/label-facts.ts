/**
 * devenv's labels read once, into typed facts: the only place a raw label
 * value is parsed (numbers, booleans, the lease of an ephemeral stack, the
 * stop grace period), so every reader agrees on defaults and formats.
 * Writing them is labels.ts's; reading them is this file's. Facts come from
 * annotations (raw values) and selectors alike: on Docker both are labels.
 */
import { DEFAULT_STOP_GRACE_MS } from '../plan/container-request.js';
import type { StackLease } from './expiry.js';
import { Labels } from './labels.js';
import type { ContainerStatus } from '../../contracts/engine.js';

type LabelMap = Readonly<Record<string, string>>;

/** What every labelled resource of a stack says about its stack. */
export interface StackFacts {
  stack: string;
  project: string;
  branch: string;
  owner: string;
  /** The devenv.yaml environment (dev when the label is absent: dev stacks do not carry it). */
  environment: string;
  workingDir: string;
  /** ISO time the stack's resource was labelled at ('' when unknown). */
  createdAt: string;
  lease: StackLease;
  /**
   * Whether the resource carries the derived selectors (working-dir-hash,
   * branch-, owner- and service-slug); those labelled before they existed
   * carry only the annotations they derive from.
   */
  hasDerivedSelectors: boolean;
  /** The host port of the preview proxy that routes the stack, when one does. */
  proxyPort?: number;
  /** For a preview stack: the repository it previews. */
  preview?: { repository: string };
}

/** What a labelled container says besides: its service, config hash and stop grace period. */
export interface ContainerFacts extends StackFacts {
  /** The compose service; the container's name when the label is missing. */
  service: string;
  configHash?: string;
  stopTimeoutSeconds: number;
  /** The container port the preview proxy routes to, on a routed stack's service. */
  httpPort?: number;
}

function finiteNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

export function stackFacts(labels: LabelMap): StackFacts {
  const createdAt = labels[Labels.created] ?? '';
  const lease: StackLease = { ephemeral: labels[Labels.ephemeral] === 'true', createdAt };
  const ttl = finiteNumber(labels[Labels.ttlSeconds]);
  const pid = finiteNumber(labels[Labels.ownerPid]);
  const host = labels[Labels.ownerHost];
  if (ttl !== undefined) lease.ttlSeconds = ttl;
  if (pid !== undefined) lease.ownerPid = pid;
  if (host !== undefined) lease.ownerHost = host;
  const proxyPort = finiteNumber(labels[Labels.proxy]);
  return {
    stack: labels[Labels.stack] ?? '',
    project: labels[Labels.project] ?? '',
    branch: labels[Labels.branch] ?? '',
    owner: labels[Labels.owner] ?? '',
    environment: labels[Labels.environment] ?? 'dev',
    workingDir: labels[Labels.workingDir] ?? '',
    createdAt,
    lease,
    hasDerivedSelectors: labels[Labels.workingDirHash] !== undefined,
    ...(proxyPort !== undefined ? { proxyPort } : {}),
    ...(labels[Labels.preview] === 'true'
      ? { preview: { repository: labels[Labels.previewRepo] ?? '' } }
      : {}),
  };
}

/** The stop grace period a container was created with (seconds), or devenv's default. */
export function stopTimeoutSeconds(labels: LabelMap): number {
  const value = finiteNumber(labels[Labels.stopTimeout]);
  return value !== undefined && value >= 0 ? value : Math.ceil(DEFAULT_STOP_GRACE_MS / 1000);
}

export function containerFacts(container: { name: string; labels: LabelMap }): ContainerFacts {
  const { labels } = container;
  const hash = labels[Labels.configHash];
  const httpPort = finiteNumber(labels[Labels.httpPort]);
  return {
    ...stackFacts(labels),
    ...(httpPort !== undefined ? { httpPort } : {}),
    service: labels[Labels.service] ?? container.name,
    ...(hash !== undefined ? { configHash: hash } : {}),
    stopTimeoutSeconds: stopTimeoutSeconds(labels),
  };
}

/** A container as the engine reports it, with its label facts parsed once. */
export interface ObservedContainer extends ContainerStatus {
  facts: ContainerFacts;
}

export function observedContainer(status: ContainerStatus): ObservedContainer {
  return { ...status, facts: containerFacts(status) };
}

/** What a data-directory cache image says about itself: its kind and the image it was made with. */
export interface DataCacheFacts {
  kind: string;
  /** The id of the image whose initialization the cache holds ('' when unknown). */
  sourceImageId: string;
}

/** The facts of a data-directory cache, or undefined for anything else. */
export function dataCacheFacts(labels: LabelMap): DataCacheFacts | undefined {
  const kind = labels[Labels.dataCache];
  if (kind === undefined) return undefined;
  return { kind, sourceImageId: labels[Labels.dataCacheSource] ?? '' };
}
