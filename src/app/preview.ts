/**
 * `devenv preview up/ls/logs/rm`: a branch's stack, checked out in a git
 * worktree under devenv's cache directory (never the user's working tree),
 * brought up isolated (its own identity: owner "preview") and routed by the
 * proxy (app/proxy.ts) at http://<service>.<branch>.<project>.localhost:<port>/.
 * `preview up` again moves the worktree to the branch's new tip and reconciles
 * (only what changed is recreated). The stack's labels say which stacks are
 * previews and of which repository; a record on this machine says when the
 * preview was last brought up (its TTL counts from there) and whether the
 * branch had commits of its own (app/gc.ts decides by them).
 */
import { join, relative } from 'node:path';
import type { PreviewDeps, PreviewRecord } from '../contracts/preview-git.js';
import { DevenvError, isDevenvError } from '../core/errors.js';
import { isLocalEngineEndpoint } from '../core/config/engine-address.js';
import { PREVIEW_OWNER, previewWorktreePath } from '../core/preview/preview.js';
import type { AppContext } from './context.js';
import { removeStack } from './down.js';
import { listStacks, type StackSummary } from './list-stacks.js';
import { routedUrls, type RouteUrl } from './proxy.js';
import { up, type UpOptions } from './up.js';
import { stackLogs } from './stack-logs.js';

export interface PreviewUpOptions {
  branch: string;
  environment?: string;
  ttlSeconds: number;
  files?: string[];
  profiles?: string[];
  timeoutMs?: number;
  dataCache?: boolean;
}

export interface PreviewResult {
  branch: string;
  stack: string;
  commit: string;
  worktree: string;
  urls: { service: string; url: string }[];
  /** Where the proxy is reached (host:port): the URLs' host names resolve to loopback, so on a remote engine connect here. */
  proxy: string;
  /** Whether the engine is this machine's (the URLs open as they are). */
  localEngine: boolean;
  env: Record<string, string>;
  expiresAt: string;
}

async function repositoryOf(ctx: AppContext, deps: PreviewDeps): Promise<string> {
  const repository = await deps.git.repositoryRoot(ctx.cwd);
  if (repository === undefined)
    throw new DevenvError('PREVIEW_GIT', `${ctx.cwd} is not in a git repository.`, {
      hint: 'Run `devenv preview` in the repository whose branches you preview.',
    });
  return repository;
}

export async function previewUp(
  ctx: AppContext,
  deps: PreviewDeps,
  options: PreviewUpOptions,
): Promise<PreviewResult> {
  const repository = await repositoryOf(ctx, deps);
  const fetched = await deps.git.fetch(repository, options.branch);
  if (fetched) ctx.emit({ type: 'info', message: `fetched ${options.branch} from origin` });
  const commit = await deps.git.branchCommit(repository, options.branch);
  if (commit === undefined)
    throw new DevenvError('PREVIEW_GIT', `No branch "${options.branch}" in ${repository} (nor on origin).`, {
      hint: '`git branch --all` lists the branches.',
    });
  const main = await deps.git.defaultBranch(repository);
  const aheadOfDefault =
    main !== undefined && main.name !== options.branch
      ? !(await deps.git.isAncestor(repository, commit, main.ref))
      : false;
  const environment = options.environment ?? 'dev';
  const worktree = previewWorktreePath(deps.root, repository, options.branch, environment);
  const action = await deps.git.checkout(repository, worktree, commit);
  ctx.emit({ type: 'preview.worktree', branch: options.branch, dir: worktree, commit, action });
  // The project may live below the repository's top: the same place in the worktree.
  const projectDir = join(worktree, relative(repository, ctx.cwd));
  const upOptions: UpOptions = {
    branch: options.branch,
    owner: PREVIEW_OWNER,
    environment,
    proxy: true,
    preview: { repository },
    ...(options.files !== undefined ? { files: options.files } : {}),
    ...(options.profiles !== undefined ? { profiles: options.profiles } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.dataCache !== undefined ? { dataCache: options.dataCache } : {}),
  };
  const result = await up({ ...ctx, cwd: projectDir }, upOptions);
  const refreshedAt = ctx.clock.now();
  const record: PreviewRecord = {
    stack: result.target.identity.name,
    branch: options.branch,
    repository,
    worktree,
    environment,
    endpoint: await previewEndpoint(ctx, result.info.endpoint),
    commit,
    refreshedAt,
    ttlSeconds: options.ttlSeconds,
    aheadOfDefault,
  };
  await deps.records.write(record);
  return {
    branch: options.branch,
    stack: record.stack,
    commit,
    worktree,
    urls: result.urls,
    proxy: result.proxyAddress ?? '',
    localEngine: isLocalEngineEndpoint(result.info.endpoint),
    env: result.env,
    expiresAt: new Date(refreshedAt + options.ttlSeconds * 1000).toISOString(),
  };
}

/**
 * What a preview's record names its engine by: the endpoint, prefixed `swarm:` when the stack
 * is on the swarm that engine manages (a backend listing its own stacks), so gc of the
 * engine's containers never takes a swarm preview's stack for gone (app/preview-gc.ts).
 */
export async function previewEndpoint(ctx: AppContext, endpoint: string): Promise<string> {
  return (await ctx.backend()).inventory !== undefined ? `swarm:${endpoint}` : endpoint;
}

export interface PreviewSummary {
  branch: string;
  stack: string;
  repository: string;
  worktree: string;
  environment: string;
  commit?: string;
  /** When gc removes it by its TTL (unknown without this machine's record). */
  expiresAt?: string;
  services: StackSummary['services'];
  urls: RouteUrl[];
}

/** The previews on the engine (of every repository, or of `repository` only). */
export async function listPreviews(
  ctx: AppContext,
  deps: PreviewDeps,
  repository?: string,
): Promise<PreviewSummary[]> {
  // The backend's stacks: the engine's containers, or a swarm's services (--engine swarm).
  const stacks = (await listStacks(ctx)).filter(
    (stack) =>
      stack.preview !== undefined && (repository === undefined || stack.preview.repository === repository),
  );
  return Promise.all(
    stacks.map(async (stack) => {
      const record = await deps.records.read(stack.stack);
      return {
        branch: stack.branch,
        stack: stack.stack,
        repository: stack.preview?.repository ?? '',
        worktree: record?.worktree ?? stack.workingDir,
        environment: stack.environment,
        ...(record !== undefined
          ? {
              commit: record.commit,
              expiresAt: new Date(record.refreshedAt + record.ttlSeconds * 1000).toISOString(),
            }
          : {}),
        services: stack.services,
        urls: await routedUrls(ctx, stack.stack, stack.proxyPort),
      };
    }),
  );
}

/** The preview stacks of a branch of this repository (one per environment). */
async function previewStacksOf(
  ctx: AppContext,
  deps: PreviewDeps,
  branch: string,
  environment: string | undefined,
): Promise<{ repository: string; stacks: string[] }> {
  const repository = await repositoryOf(ctx, deps);
  // From the backend's stacks (containers, networks and volumes; a swarm's services), by their labels.
  const stacks = new Set<string>();
  for (const summary of await listStacks(ctx)) {
    if (summary.preview?.repository !== repository || summary.branch !== branch) continue;
    if (environment !== undefined && summary.environment !== environment) continue;
    stacks.add(summary.stack);
  }
  return { repository, stacks: [...stacks].sort() };
}

export async function previewLogs(
  ctx: AppContext,
  deps: PreviewDeps,
  options: { branch: string; environment?: string; service?: string; follow: boolean; tail?: number },
): Promise<void> {
  const { stacks } = await previewStacksOf(ctx, deps, options.branch, options.environment);
  const stack = stacks[0];
  if (stack === undefined) throw notFound(options.branch);
  // The logs are masked with the secrets of the preview's template (its `file:` secrets, its
  // secret-looking values), as `logs` in a project is: read from its worktree, when this machine has it.
  const worktree = (await deps.records.read(stack))?.worktree;
  if (worktree !== undefined) learnTemplateSecrets(ctx, worktree);
  await stackLogs(ctx, {
    stack,
    follow: options.follow,
    ...(options.service !== undefined ? { service: options.service } : {}),
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
  });
}

function learnTemplateSecrets(ctx: AppContext, dir: string): void {
  try {
    const declaredSecrets = ctx.project.devenvConfig(dir).secrets;
    ctx.project.loadCompose({
      cwd: dir,
      env: ctx.env,
      declaredSecrets,
      onSecretValues: (values) => ctx.secrets.add(values),
    });
  } catch (error) {
    // A template that does not load here (a variable unset in this shell): what it read is masked all the same.
    if (!isDevenvError(error)) throw error;
  }
}

function notFound(branch: string): DevenvError {
  return new DevenvError('PREVIEW_NOT_FOUND', `No preview of branch "${branch}" of this repository.`, {
    hint: '`devenv preview ls` lists the previews; `devenv preview up BRANCH` makes one.',
  });
}

/** Removes a preview: its stack (volumes too), its worktree and its record. */
export async function removePreview(
  ctx: AppContext,
  deps: PreviewDeps,
  target: { stack: string; branch: string; repository: string; worktree?: string; reason?: string },
  lockWaitMs?: number,
): Promise<void> {
  await removeStack(ctx, {
    stack: target.stack,
    volumes: true,
    ...(lockWaitMs !== undefined ? { lockWaitMs } : {}),
  });
  const record = await deps.records.read(target.stack);
  const worktree = record?.worktree ?? target.worktree;
  if (worktree !== undefined && worktree.startsWith(deps.root))
    await deps.git.removeWorktree(target.repository, worktree);
  await deps.records.remove(target.stack);
  ctx.emit({
    type: 'preview.removed',
    branch: target.branch,
    stack: target.stack,
    ...(target.reason !== undefined ? { reason: target.reason } : {}),
  });
}

export async function previewRm(
  ctx: AppContext,
  deps: PreviewDeps,
  options: { branch: string; environment?: string },
): Promise<string[]> {
  const { repository, stacks } = await previewStacksOf(ctx, deps, options.branch, options.environment);
  const records = (await deps.records.list()).filter(
    (record) =>
      record.repository === repository &&
      record.branch === options.branch &&
      (options.environment === undefined || record.environment === options.environment),
  );
  const all = [...new Set([...stacks, ...records.map((record) => record.stack)])].sort();
  if (all.length === 0) throw notFound(options.branch);
  for (const stack of all) await removePreview(ctx, deps, { stack, branch: options.branch, repository });
  return all;
}
