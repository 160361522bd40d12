/**
 * The app reloads too: carries out the Compose Specification's develop.watch
 * rules for changed files (see core/develop for the plan). sync copies the
 * files into the running container through the engine API (a tar stream; a
 * deleted file is removed with `rm -rf`), sync+restart then restarts the
 * container, rebuild runs `up` with a forced build (reconcile recreates only
 * the services whose image changed). Files under one of the service's bind
 * mounts are left to the app's own watcher.
 */
import {
  copyFile,
  lstat,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative } from 'node:path';
import type { StackBackend } from '../contracts/stack-backend.js';
import type { ObservedContainer } from '../core/stack/label-facts.js';
import {
  developPlanText,
  developServices,
  planDevelop,
  type DevelopService,
  type DevelopStep,
  type FileCopy,
} from '../core/develop/develop-plan.js';
import { dockerignorePatterns } from '../core/develop/ignore-rules.js';
import { watchRules } from '../core/develop/watch-rules.js';
import { DevenvError } from '../core/errors.js';
import { serialQueue } from '../core/serial-queue.js';
import { stackIdentity } from '../core/stack/identity.js';
import type { AppContext } from './context.js';
import { runningServiceContainer } from './observe.js';
import type { StackTarget } from './stack-target.js';
import { up, type UpOptions } from './up.js';

export interface DevelopSyncOptions {
  /** The running stack (as `up` resolved it). */
  target: StackTarget;
  backend: StackBackend;
  /** How `rebuild` calls `up` (default: this stack's branch, files and name, detached). */
  upOptions?: UpOptions;
  /** Replaces the rebuild (for callers that own `up`, e.g. the attached session). */
  rebuild?: (services: string[]) => Promise<void>;
}

export interface DevelopSync {
  /** The services with watch rules (empty: nothing to do for this project). */
  readonly services: readonly string[];
  /** Applies develop.watch to changed host paths (absolute; deleted files included). Calls run one after another. */
  handle(changedFiles: string[]): Promise<void>;
  /** Copies what the `initial_sync: true` rules cover into their running services (no restart). */
  initialSync(): Promise<void>;
}

function defaultUpOptions(ctx: AppContext, target: StackTarget): UpOptions {
  const { identity, project } = target;
  const derived = stackIdentity({ project: identity.project, owner: ctx.host.user, branch: identity.branch });
  return {
    branch: identity.branch,
    files: project.files,
    ...(derived.name !== identity.name ? { stack: identity.name } : {}),
  };
}

async function readDockerignores(target: StackTarget, services: string[]): Promise<Record<string, string[]>> {
  const patterns: Record<string, string[]> = {};
  for (const name of services) {
    const context = target.project.services[name]?.build?.context;
    if (!context) continue;
    const text = await readFile(join(context, '.dockerignore'), 'utf8').catch(() => '');
    patterns[name] = dockerignorePatterns(text);
  }
  return patterns;
}

/**
 * Directories in the change list stand for every file below them (a directory copied or created at once).
 * A symlink is one entry (copied as a link, as a build context sends it), never walked into: a link to
 * a directory outside the sync path (`src/escape -> /etc`) must not copy that directory into the container.
 */
export async function expandDirectories(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  const visit = async (path: string): Promise<void> => {
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory()) {
      files.push(path);
      return;
    }
    for (const entry of await readdir(path)) if (entry !== '.git') await visit(join(path, entry));
  };
  for (const path of paths) await visit(path);
  return files;
}

/**
 * Whether a host path is reached through a symlink in the project (its directory is really elsewhere,
 * e.g. `src/escape/passwd` with `src/escape -> /etc`): what a watcher reports there is not synced.
 */
export async function reachedThroughLink(workingDir: string, hostPath: string): Promise<boolean> {
  const dir = dirname(hostPath);
  const [realDir, realRoot] = await Promise.all([
    realpath(dir).catch(() => dir),
    realpath(workingDir).catch(() => workingDir),
  ]);
  return relative(realRoot, realDir) !== relative(workingDir, dir);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

async function execOrFail(backend: StackBackend, id: string, command: string[], what: string): Promise<void> {
  const result = await backend.exec(id, command);
  if (result.exitCode !== 0)
    throw new DevenvError(
      'ENGINE_ERROR',
      `Could not ${what}: ${result.output.trim() || `exit ${result.exitCode}`}`,
      {
        hint: 'Check that the container has a shell toolset (mkdir, rm) and that the target path is writable.',
      },
    );
}

/** Copies one host file to a container path: packed from its own directory when the names agree, else renamed through a temp dir. */
async function copyInto(
  backend: StackBackend,
  archive: AppContext['archive'],
  id: string,
  copy: FileCopy,
): Promise<void> {
  const containerDir = posix.dirname(copy.containerPath);
  const name = posix.basename(copy.containerPath);
  let sourceDir = dirname(copy.hostPath);
  let temp: string | undefined;
  if (basename(copy.hostPath) !== name) {
    temp = await mkdtemp(join(tmpdir(), 'devenv-sync-'));
    // A symlink is copied as a link (copyFile would copy what it points to, maybe outside the project).
    const link = await lstat(copy.hostPath);
    if (link.isSymbolicLink()) await symlink(await readlink(copy.hostPath), join(temp, name));
    else await copyFile(copy.hostPath, join(temp, name));
    sourceDir = temp;
  }
  try {
    const put = () => backend.copyInto(id, containerDir, archive(sourceDir, [name]));
    try {
      await put();
    } catch {
      // The target directory does not exist yet in the container.
      await execOrFail(backend, id, ['mkdir', '-p', containerDir], `create ${containerDir}`);
      await put();
    }
  } finally {
    if (temp) await rm(temp, { recursive: true, force: true });
  }
}

export function createDevelopSync(ctx: AppContext, options: DevelopSyncOptions): DevelopSync {
  const { target, backend } = options;
  const { rules, problems } = watchRules(target.project);
  for (const problem of problems)
    ctx.emit({ type: 'warning', warning: { message: problem.message, path: problem.path } });
  const names = [...new Set(rules.map((rule) => rule.service))].sort();
  let services: Promise<DevelopService[]> | undefined;
  const queue = serialQueue();

  const syncService = async (step: Extract<DevelopStep, { copies: FileCopy[] }>): Promise<void> => {
    const container = await runningServiceContainer(backend, target.identity.name, step.service);
    if (!container) {
      ctx.emit({ type: 'info', message: `${step.service}: not running, nothing synced` });
      return;
    }
    const deleted: string[] = [];
    for (const copy of step.copies) {
      if (await reachedThroughLink(target.project.workingDir, copy.hostPath))
        ctx.emit({
          type: 'warning',
          warning: {
            message: `develop.watch ${step.service}: ${copy.hostPath} is reached through a symlink to another directory; not synced`,
          },
        });
      else if (await exists(copy.hostPath)) await copyInto(backend, ctx.archive, container.id, copy);
      else deleted.push(copy.containerPath);
    }
    if (deleted.length > 0)
      await execOrFail(
        backend,
        container.id,
        ['rm', '-rf', '--', ...deleted],
        `delete ${deleted.join(', ')}`,
      );
    if (step.action === 'sync+restart') await restart(step.service, container);
    if (step.action === 'sync+exec') {
      for (const run of step.commands) {
        const { command } = run;
        const result = await backend.exec(container.id, command, {
          ...(run.user === undefined ? {} : { user: run.user }),
          ...(run.workingDir === undefined ? {} : { workingDir: run.workingDir }),
          ...(run.env === undefined ? {} : { env: run.env }),
        });
        if (result.exitCode !== 0) {
          const tail = result.output.trim().split('\n').slice(-3).join(' | ');
          ctx.emit({
            type: 'warning',
            warning: {
              message: `develop.watch ${step.service}: \`${command.join(' ')}\` exited ${result.exitCode}${tail ? `: ${tail}` : ''}`,
            },
          });
        }
      }
    }
  };

  const restart = async (service: string, container: ObservedContainer): Promise<void> => {
    await backend.restart(container.id, container.facts.stopTimeoutSeconds);
    ctx.emit({ type: 'container.started', service, container: container.name });
  };

  const restartService = async (service: string): Promise<void> => {
    const container = await runningServiceContainer(backend, target.identity.name, service);
    if (!container) ctx.emit({ type: 'info', message: `${service}: not running, nothing restarted` });
    else await restart(service, container);
  };

  const apply = async (changedFiles: string[]): Promise<void> => {
    if (names.length === 0 || changedFiles.length === 0) return;
    services ??= readDockerignores(target, names).then((patterns) =>
      developServices(target.project, rules, patterns),
    );
    const steps = planDevelop(await services, await expandDirectories(changedFiles));
    if (steps.length === 0) return;
    for (const line of developPlanText(steps, target.project.workingDir))
      ctx.emit({ type: 'info', message: `develop.watch ${line}` });
    const rebuild = steps.flatMap((step) => (step.action === 'rebuild' ? [step.service] : []));
    for (const step of steps) {
      if (step.action === 'sync' || step.action === 'sync+restart' || step.action === 'sync+exec')
        await syncService(step);
      else if (step.action === 'restart') await restartService(step.service);
    }
    if (rebuild.length > 0) {
      if (options.rebuild) await options.rebuild(rebuild);
      else await up(ctx, { ...(options.upOptions ?? defaultUpOptions(ctx, target)), rebuild });
    }
  };

  const initialSync = async (): Promise<void> => {
    const initial = rules.filter((rule) => rule.initialSync);
    if (initial.length === 0) return;
    const serviceNames = [...new Set(initial.map((rule) => rule.service))];
    const patterns = await readDockerignores(target, serviceNames);
    // Copies only: the service was just started with its image's files.
    const syncRules = initial.map(({ exec: _exec, ...rule }) => ({ ...rule, action: 'sync' as const }));
    const steps = planDevelop(
      developServices(target.project, syncRules, patterns),
      await expandDirectories(syncRules.map((rule) => rule.path)),
    );
    for (const step of steps) {
      if (step.action !== 'sync') continue;
      ctx.emit({
        type: 'info',
        message: `develop.watch ${step.service}: initial sync of ${step.copies.length} file${step.copies.length === 1 ? '' : 's'}`,
      });
      await syncService(step);
    }
  };

  return {
    services: names,
    initialSync: () => queue(initialSync),
    handle: (changedFiles) => queue(() => apply(changedFiles)),
  };
}
