/** What previews need of git and of this machine: the repository, branches, worktrees, and the previews' records. */
import type { Landing } from '../core/preview/preview.js';

export interface DefaultBranch {
  name: string;
  /** The ref its tip is read from (refs/heads/main, else refs/remotes/origin/main). */
  ref: string;
}

export interface PreviewGit {
  /** The top-level directory of the work tree `dir` is in; undefined when it is in none. */
  repositoryRoot(dir: string): Promise<string | undefined>;
  /** Fetches the branch from `origin` when the repository has one; false when it has none or the fetch failed. */
  fetch(repository: string, branch: string): Promise<boolean>;
  /**
   * The commit the branch is at: the local branch, or origin's when the local one is missing
   * or behind it; undefined when neither exists (the branch was deleted).
   */
  branchCommit(repository: string, branch: string): Promise<string | undefined>;
  /** origin's HEAD, else init.defaultBranch, main or master, whichever exists. */
  defaultBranch(repository: string): Promise<DefaultBranch | undefined>;
  /** Fetches origin's branches, forgetting those deleted there (`git fetch --prune`); false without origin. */
  prune(repository: string): Promise<boolean>;
  /** Whether `commit` is an ancestor of (or equal to) `of`. */
  isAncestor(repository: string, commit: string, of: string): Promise<boolean>;
  /**
   * How the changes of `commit` (since it forked from `of`) reached `of`: 'merged' (an
   * ancestor), 'rebased' (each of its commits has an equivalent patch in `of`), 'squashed'
   * (one commit of `of` carries its whole diff); undefined when they did not.
   */
  landedIn(repository: string, commit: string, of: string): Promise<Landing | undefined>;
  /** Checks `commit` out, detached, in the worktree at `dir` (made when missing). */
  checkout(repository: string, dir: string, commit: string): Promise<'created' | 'updated' | 'unchanged'>;
  /** Removes the worktree at `dir` (a directory left without its repository is removed all the same). */
  removeWorktree(repository: string, dir: string): Promise<void>;
}

/** What devenv remembers of a preview on this machine (the engine's labels say the rest). */
export interface PreviewRecord {
  stack: string;
  branch: string;
  repository: string;
  worktree: string;
  environment: string;
  /** The engine the preview's stack is on (its endpoint). */
  endpoint: string;
  commit: string;
  /** When `preview up` last ran (ms since the epoch): the TTL counts from here. */
  refreshedAt: number;
  ttlSeconds: number;
  /** Whether the previewed commit had commits the default branch lacked (see core/preview). */
  aheadOfDefault: boolean;
}

export interface PreviewRecords {
  read(stack: string): Promise<PreviewRecord | undefined>;
  write(record: PreviewRecord): Promise<void>;
  remove(stack: string): Promise<void>;
  list(): Promise<PreviewRecord[]>;
}

/** The previews' collaborators, wired by the CLI. */
export interface PreviewDeps {
  git: PreviewGit;
  records: PreviewRecords;
  /** The directory previews' worktrees live under (devenv's cache directory, `previews/`). */
  root: string;
}
