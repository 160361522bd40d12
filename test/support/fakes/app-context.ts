/**
 * An AppContext made of in-memory fakes for app-level tests: the memory
 * engine, an in-memory stack lock, build journal and data cache, a host port
 * chooser, and every event collected in order. The template is read from a
 * real temp directory, as the CLI would.
 */
import { memorySecretSources } from './memory-secret-sources.js';
import { Readable } from 'node:stream';
import type { AppContext } from '../../../src/app/context.js';
import { emitterFor, systemClock } from '../../../src/app/context.js';
import type { DevenvEvent } from '../../../src/app/events.js';
import type { BuildJournal } from '../../../src/contracts/build-journal.js';
import { projectFiles } from '../../../src/adapters/fs/project-files.js';
import { digestBuildContext } from '../../../src/adapters/docker/context-digest.js';
import { secretRegistry } from '../../../src/core/secret-registry.js';
import { memoryStackLock } from './memory-stack-lock.js';
import type { MemoryEngine } from './memory-engine.js';
import { ContainerStackBackend } from '../../../src/adapters/container-stack/container-stack-backend.js';

export interface FakeContext {
  ctx: AppContext;
  events: DevenvEvent[];
  /** Ends the context's signal, as Ctrl-C does. */
  interrupt(): void;
  /** Resolves with the first event (from now on) that matches. */
  next(match: (event: DevenvEvent) => boolean): Promise<DevenvEvent>;
}

const memoryBuilds: BuildJournal = {
  async begin() {
    return { committed: () => undefined, succeeded: async () => undefined, failed: async () => undefined };
  },
  list: async () => [],
  remove: async () => undefined,
};

export function fakeContext(cwd: string, engine: MemoryEngine): FakeContext {
  const events: DevenvEvent[] = [];
  const waiters = new Set<(event: DevenvEvent) => void>();
  const controller = new AbortController();
  let port = 45_000;
  let connection: ReturnType<AppContext['engine']> | undefined;
  let backend: ReturnType<AppContext['backend']> | undefined;
  const ctx: AppContext = {
    cwd,
    env: {},
    clock: systemClock,
    host: { user: 'tester', hostname: 'memory', pid: process.pid, isProcessAlive: () => true },
    version: '0.0.0-test',
    emit: emitterFor(systemClock, (event) => {
      events.push(event);
      for (const waiter of [...waiters]) waiter(event);
    }),
    // Connected once, as the CLI's context is: later calls do not ask the engine again.
    engine: () => (connection ??= engine.info().then((info) => ({ engine, info }))),
    // The same backend as the CLI's, on the in-memory engine.
    backend: () => (backend ??= ctx.engine().then(({ info }) => new ContainerStackBackend(engine, info))),
    gitBranch: async () => 'main',
    dataCache: {
      has: async () => false,
      read: () => Readable.from([]),
      write: async () => undefined,
      list: async () => [],
      remove: async () => undefined,
    },
    hostPorts: {
      isFree: async () => true,
      isLocalAddress: async () => true,
      pick: async () => port++,
    },
    contentHash: async () => 'content-hash',
    // The template is read from a real temp directory; services are probed by the engine's state alone.
    project: projectFiles,
    probes: { postgres: async () => true, redis: async () => true, tcp: async () => true },
    archive: () => Readable.from([]),
    testRunners: () => Promise.reject(new Error('no test runner in this fake context: pass one')),
    watchProject: () => Promise.reject(new Error('no project watcher in this fake context')),
    runCommand: () => Promise.reject(new Error('no command runner in this fake context')),
    // No server to reach from the host: the test databases fall back to psql through the engine's exec.
    sqlSession: () => Promise.reject(new Error('no Postgres server in this fake context')),
    secrets: secretRegistry(),
    secretSources: memorySecretSources(),
    stackLock: memoryStackLock(),
    builds: memoryBuilds,
    // The real digest: the template and build contexts are real temp directories here.
    buildContextDigest: digestBuildContext,
    signal: controller.signal,
  };
  return {
    ctx,
    events,
    interrupt: () => controller.abort(),
    next(match) {
      return new Promise((resolve) => {
        const waiter = (event: DevenvEvent) => {
          if (!match(event)) return;
          waiters.delete(waiter);
          resolve(event);
        };
        waiters.add(waiter);
      });
    },
  };
}
