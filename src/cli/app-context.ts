/** Wires the real adapters into an AppContext for the CLI. */
import type { AppContext, Clock } from '../app/context.js';
import { emitterFor } from '../app/context.js';
import type { DevenvEvent } from '../app/events.js';
import { secretRegistry, type SecretRegistry } from '../core/secret-registry.js';
import type { ContainerEngine, EngineInfo } from '../contracts/engine.js';
import type { StackBackend } from '../contracts/stack-backend.js';
import type { SecretSource, SecretSources } from '../contracts/secret-source.js';
import type { SecretOrigin } from '../core/config/devenv-config.js';
import { ContainerStackBackend } from '../adapters/container-stack/container-stack-backend.js';
import { currentBranch } from '../adapters/git/current-branch.js';
import { hostInfo } from '../adapters/host/host-info.js';
import { blobCache, cacheDirectory } from '../adapters/fs/cache-store.js';
import { hostPorts } from '../adapters/host/free-port.js';
import { contentHash } from '../adapters/fs/directory-hash.js';
import { fileStackLock } from '../adapters/fs/stack-lock-file.js';
import { fileBuildJournal } from '../adapters/fs/build-journal-file.js';
import { join } from 'node:path';
import { projectFiles } from '../adapters/fs/project-files.js';
import { socketProbes } from '../adapters/probes/service-probes.js';
import { packBuildContextLazily } from '../adapters/docker/lazy-context-tar.js';
import { digestBuildContext } from '../adapters/docker/context-digest.js';
import {
  ENGINE_KIND_VARIABLE,
  REGISTRY_VARIABLE,
  SWARM_NODES_VARIABLE,
} from '../core/swarm/swarm-selection.js';

/** The host's secret sources, loaded (with execa) only when a declared secret is read. */
function lazySecretSources(): SecretSources {
  let loaded: Promise<SecretSources> | undefined;
  const sources = () =>
    (loaded ??= import('../adapters/secrets/secret-sources.js').then((module) => module.hostSecretSources()));
  const lazy = (origin: SecretOrigin): SecretSource => ({
    read: async (request, notes) => (await sources())[origin].read(request, notes),
  });
  return { file: lazy('file'), env: lazy('env'), command: lazy('command') };
}

export function createAppContext(options: {
  cwd: string;
  env: Record<string, string | undefined>;
  /** What the engine is found by (DOCKER_HOST, DOCKER_CONTEXT, ...): the environment's engine over env. */
  engineEnv?: Record<string, string | undefined>;
  clock: Clock;
  version: string;
  signal: AbortSignal;
  sink: (event: DevenvEvent) => void;
  /** The registry the CLI's output is masked with (a new one when not given). */
  secrets?: SecretRegistry;
}): AppContext {
  const host = hostInfo(options.env);
  const self = { pid: host.pid, host: host.hostname, isProcessAlive: host.isProcessAlive };
  let connection: Promise<{ engine: ContainerEngine; info: EngineInfo }> | undefined;
  let backend: Promise<StackBackend> | undefined;
  const context: AppContext = {
    cwd: options.cwd,
    env: options.env,
    clock: options.clock,
    host,
    version: options.version,
    signal: options.signal,
    secrets: options.secrets ?? secretRegistry(),
    secretSources: lazySecretSources(),
    emit: emitterFor(options.clock, options.sink),
    engine() {
      if (!connection) {
        connection = (async () => {
          // dockerode loads only when a command needs the engine (not for config, --version).
          const { DockerEngine } = await import('../adapters/docker/docker-engine.js');
          const opened = await DockerEngine.open(options.engineEnv ?? options.env);
          const engine: ContainerEngine = opened.engine;
          return { engine, info: opened.info };
        })();
      }
      return connection;
    },
    backend() {
      const engineEnv = options.engineEnv ?? options.env;
      // --engine swarm / engine: swarm (cli/engine-selection.ts): the Swarm backend on that engine.
      backend ??=
        engineEnv[ENGINE_KIND_VARIABLE] === 'swarm'
          ? import('../adapters/swarm-stack/connect-swarm.js').then((module) =>
              module.connectSwarmBackend(
                engineEnv,
                options.env[SWARM_NODES_VARIABLE],
                engineEnv[REGISTRY_VARIABLE],
              ),
            )
          : context.engine().then(({ engine, info }) => new ContainerStackBackend(engine, info));
      return backend;
    },
    gitBranch: currentBranch,
    dataCache: blobCache(join(cacheDirectory(options.env), 'blobs')),
    contentHash,
    hostPorts,
    project: projectFiles,
    probes: socketProbes,
    archive: (root, names) => packBuildContextLazily(root, [...names]),
    // Loaded on first use: vitest, chokidar and execa stay out of commands that do not need them.
    testRunners: async (host, runner) =>
      host === 'worker'
        ? (await import('../adapters/vitest/runner-process.js')).startVitestRunnerProcess(runner)
        : (await import('../adapters/vitest/vitest-runner.js')).startVitestRunner(runner),
    watchProject: async (watch) =>
      (await import('../adapters/watcher/project-watcher.js')).watchProject(watch),
    runCommand: async (run) => (await import('../adapters/host/project-command.js')).runProjectCommand(run),
    // pg loads only when a test database is leased.
    sqlSession: async (endpoint, sessionOptions) =>
      (await import('../adapters/postgres/pg-session.js')).openPgSession(endpoint, sessionOptions),
    stackLock: fileStackLock(join(cacheDirectory(options.env), 'locks'), self),
    builds: fileBuildJournal(join(cacheDirectory(options.env), 'builds'), self),
    buildContextDigest: digestBuildContext,
  };
  return context;
}
