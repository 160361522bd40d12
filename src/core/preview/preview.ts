/**
 * Preview stacks, pure: a branch's stack identity, where its worktree lives, and
 * when `gc` removes it (TTL passed, branch deleted, branch merged into the
 * default branch).
 */
import { sanitizeNamePart, shortHash, stackIdentity, type StackIdentity } from '../stack/identity.js';

/** The owner part of every preview's identity: a preview is nobody's own stack. */
export const PREVIEW_OWNER = 'preview';

/** The TTL of a preview when `--ttl` is not given: three days. */
export const DEFAULT_PREVIEW_TTL_SECONDS = 72 * 3600;

export function previewIdentity(project: string, branch: string, environment = 'dev'): StackIdentity {
  return stackIdentity({ project, owner: PREVIEW_OWNER, branch, environment });
}

/**
 * The worktree of a branch's preview, under devenv's previews directory:
 * `<root>/<repo>-<hash of the repository>/<branch>-<hash>/<repo>`. The last part is
 * the repository directory's own name, so a project named after its directory
 * keeps its name in the preview.
 */
export function previewWorktreePath(
  root: string,
  repository: string,
  branch: string,
  environment = 'dev',
): string {
  const repoName = repository.replace(/\/+$/, '').split('/').pop() || 'repo';
  const key = environment === 'dev' ? branch : `${branch}\u0000${environment}`;
  return [
    root.replace(/\/+$/, ''),
    `${sanitizeNamePart(repoName)}-${shortHash(repository, 8)}`,
    `${sanitizeNamePart(branch, 40)}${environment === 'dev' ? '' : `-${sanitizeNamePart(environment, 12)}`}-${shortHash(key, 8)}`,
    repoName,
  ].join('/');
}

/** How a branch's changes reached the default branch (GitHub's three merge buttons). */
export type Landing = 'merged' | 'rebased' | 'squashed';

/** What gc knows about a preview's branch, asked of its repository. */
export type BranchState =
  | { kind: 'present'; tip: string; mergedInto?: string; landing?: Landing }
  | { kind: 'deleted' }
  /** The repository is not on this machine (another host's preview) or is gone. */
  | { kind: 'unknown'; why: string };

export interface PreviewLease {
  branch: string;
  /** When the preview was last brought up (ms since the epoch). */
  refreshedAt: number;
  ttlSeconds: number;
  /**
   * Whether the previewed commit had commits the default branch lacked. A branch that
   * never had any is not "merged" when the default branch contains it.
   */
  aheadOfDefault: boolean;
}

/** Why gc removes a preview, or undefined to keep it. */
export function previewExpiryReason(
  lease: PreviewLease,
  state: BranchState,
  now: number,
): string | undefined {
  const ageSeconds = (now - lease.refreshedAt) / 1000;
  if (ageSeconds > lease.ttlSeconds)
    return `TTL of ${formatSeconds(lease.ttlSeconds)} passed (last up ${formatSeconds(Math.round(ageSeconds))} ago)`;
  if (state.kind === 'deleted') return `branch ${lease.branch} was deleted`;
  if (state.kind === 'present' && state.mergedInto !== undefined && lease.aheadOfDefault)
    return `branch ${lease.branch} was ${landingVerb[state.landing ?? 'merged']} ${state.mergedInto}`;
  return undefined;
}

const landingVerb: Record<Landing, string> = {
  merged: 'merged into',
  rebased: 'rebased onto',
  squashed: 'squash-merged into',
};

function formatSeconds(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

export interface WorktreeBind {
  service: string;
  source: string;
  target: string;
}

/**
 * The bind mounts whose source is in the preview's worktree (`dir`): on a remote
 * engine they would mount that machine's path, not these files.
 */
export function worktreeBinds(
  services: Record<string, { volumes: readonly { type: string; source?: string; target: string }[] }>,
  dir: string,
): WorktreeBind[] {
  const root = dir.replace(/\/+$/, '');
  return Object.entries(services).flatMap(([service, spec]) =>
    spec.volumes.flatMap((volume) =>
      volume.type === 'bind' &&
      volume.source !== undefined &&
      (volume.source === root || volume.source.startsWith(`${root}/`))
        ? [{ service, source: volume.source, target: volume.target }]
        : [],
    ),
  );
}
