/**
 * devenv's labels are the source of truth: which resources belong to which
 * stack, who owns them, whether a service changed (config hash), and when an
 * ephemeral stack expires. Nothing without `dev.devenv.stack` is ever touched.
 */
import type { StackIdentity } from './identity.js';

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

/** Labels every resource of the stack carries. */
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
  return labels;
}

/** Label selector for everything of one stack. */
export function stackSelector(stack: string): Record<string, string> {
  return { [Labels.stack]: stack };
}

/** Label selector for everything devenv created, any stack. */
export function anyStackSelector(): Record<string, true> {
  return { [Labels.stack]: true };
}
