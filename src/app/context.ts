/**
 * What every use-case gets: where it runs, the shell environment, the clock,
 * the event stream, and a lazily connected engine. No module-level state.
 */
import type { ContainerEngine, EngineInfo } from '../contracts/engine.js';
import type { HostPorts } from '../contracts/host-ports.js';
import type { ProjectSource } from '../contracts/project-source.js';
import type { TestRunnerFactory } from '../contracts/test-runner.js';
import type { WatchProject } from '../contracts/project-watcher.js';
import type { CommandRunner } from '../contracts/command-runner.js';
import type { ServiceProbes } from '../contracts/service-probes.js';
import type { SecretRegistry } from '../core/secret-registry.js';
import type { SecretSources } from '../contracts/secret-source.js';
import type { StackLock } from '../contracts/stack-lock.js';
import type { BuildJournal } from '../contracts/build-journal.js';
import type { BuildContextDigest } from '../contracts/build-context.js';
import type { HostInfo } from '../contracts/host.js';
import type { StackBackend } from '../contracts/stack-backend.js';
import type { Clock } from '../contracts/clock.js';
import type { OpenSqlSession } from '../contracts/sql-session.js';
import type { DevenvEvent, Emit } from './events.js';

export type { Clock };

export const systemClock: Clock = { now: () => Date.now() };

export interface AppContext {
  cwd: string;
  env: Record<string, string | undefined>;
  clock: Clock;
  host: HostInfo;
  version: string;
  emit: Emit;
  /** Connects on first use; throws ENGINE_UNREACHABLE with a hint when no engine answers. */
  engine(): Promise<{ engine: ContainerEngine; info: EngineInfo }>;
  /**
   * Where stacks run, at stack level (observe, apply a plan, remove, logs, exec): what
   * stack use-cases go through. Built on the engine; images, builds and the data cache
   * are still engine-level (ctx.engine()).
   */
  backend(): Promise<StackBackend>;
  /** Current git branch of a directory (or a fallback when not a repository). */
  gitBranch(dir: string): Promise<string>;
  /** devenv's cache of named blobs on this machine (initialized Postgres data directories). */
  dataCache: {
    has(name: string): Promise<boolean>;
    read(name: string): NodeJS.ReadableStream;
    write(name: string, data: NodeJS.ReadableStream): Promise<void>;
    /** Every blob, with when it was last written (ms since the epoch). */
    list(): Promise<{ name: string; modifiedAt: number }[]>;
    /** Missing blobs are not an error. */
    remove(name: string): Promise<void>;
  };
  /** Free host ports on this machine (devenv picks automatic ports for local engines). */
  hostPorts: HostPorts;
  /** Content hash of host files or directories (for cache keys). */
  contentHash(paths: readonly string[]): Promise<string>;
  /** Secret values known to this process; everything printed is masked with it. */
  secrets: SecretRegistry;
  /** Where declared secrets' values come from: the environment's secrets file, the shell, a command. */
  secretSources: SecretSources;
  /** One change to a stack at a time, across devenv processes (see app/stack-lock.ts). */
  stackLock: StackLock;
  /** Image builds in progress on this machine, so gc and down find what an interrupted one left. */
  builds: BuildJournal;
  /** A digest of a build context as the engine would receive it (names shared images by content). */
  buildContextDigest: BuildContextDigest;
  /** Where the project's template and devenv.yaml come from. */
  project: ProjectSource;
  /** Host-side readiness probes (Postgres, Redis, TCP). */
  probes: ServiceProbes;
  /** A tar of files of a host directory, to copy into a container. */
  archive(root: string, names: readonly string[]): NodeJS.ReadableStream;
  /** Starts a test runner (vitest, in a worker process or this one). */
  testRunners: TestRunnerFactory;
  /** Watches the project's files. */
  watchProject: WatchProject;
  /** Runs the project's own shell commands (migrate, seed). */
  runCommand: CommandRunner;
  /** Opens a session to a Postgres server (the test databases' admin connection). */
  sqlSession: OpenSqlSession;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
}

export function emitterFor(clock: Clock, sink: (event: DevenvEvent) => void): Emit {
  return (event) => sink({ ...event, time: clock.now() } as DevenvEvent);
}
