/**
 * The TestRunner on vitest's Node API: one Vitest instance created once and
 * kept warm (config loaded, transforms cached, module graph built), so a
 * rerun pays only for the tests. Which tests import a changed file comes
 * from vitest's own module graph, walked the way `vitest related` does
 * (transformed modules' deps), keeping the chain for the reasons shown.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Reporter, TestModule, TestProject, TestSpecification, Vitest } from 'vitest/node';
import type { DiscoveredTestFile } from '../../core/affected/test-kinds.js';
import type { ImportChain } from '../../core/affected/select-tests.js';
import type { RunnerRequest, TestRunner, TestToolInfo } from '../../contracts/test-runner.js';
import { fileResultOf, OUTPUT_LINES } from './file-result.js';
import { contentHash, graphCacheKey, ImportGraphCache } from './import-graph-cache.js';
import { findImportChains } from '../../core/affected/import-chains.js';
import { requestOrderSequencer, usesDefaultSequencer } from './request-order-sequencer.js';
import { RecentLines, runErrorsOf } from './run-errors.js';
import { loadVitestNode } from './load-vitest.js';
import { vitestConfigError } from './vitest-config-error.js';
import { vitestMajorApi, type VitestMajorApi } from './vitest-majors.js';
import { ssrImportIds } from './vite-ssr-imports.js';
import { relativePosix } from '../../core/paths/posix-path.js';

export interface VitestRunnerOptions {
  root: string;
  /** Path of the vitest config (relative to root), when devenv.yaml names one. */
  configFile?: string;
  /** How long tests of a cancelled run may take to stop before their workers are terminated. */
  cancelGraceMs?: number;
  /** vitest's own log output (errors outside tests), line by line. */
  log?: (line: string) => void;
}

function lineWriter(log: ((line: string) => void) | undefined): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (log) for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') log(line);
      callback();
    },
  });
}

/** How long to let a dead pool worker's output arrive before reading why it died. */
const PIPE_DRAIN_MS = 150;
/** How long cancels sent to vitest may take to settle after the run ended (they stop workers). */
const CANCEL_SETTLE_MS = 10_000;

/** Resolves when promise settles or after ms, whichever is first. */
async function raceTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]);
  clearTimeout(timer);
}

export async function startVitestRunner(options: VitestRunnerOptions): Promise<TestRunner> {
  const { module, major, tool } = await loadVitestNode(options.root);
  const bridge: ReporterBridge = { printed: new RecentLines() };
  const reporter: Reporter = {
    onTestModuleEnd: (testModule) => bridge.onModuleEnd?.(testModule),
    onUserConsoleLog: (log) => bridge.onConsole?.(log.taskId, log.content),
    // Progress for the stall clock: a file sent to a worker (before it is even imported), a test starting or ending.
    onTestModuleQueued: (testModule) => bridge.onModuleQueued?.(testModule),
    onTestCaseReady: () => bridge.onTestProgress?.(),
    onTestCaseResult: () => bridge.onTestProgress?.(),
  };
  const output = lineWriter((line) => {
    bridge.printed.push(line);
    options.log?.(line);
  });
  // Vitest's logger exits the process on SIGINT/SIGTERM; devenv owns its signals (Ctrl-C detaches).
  const signals = ['SIGINT', 'SIGTERM'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  let vitest: Vitest;
  try {
    vitest = await module.createVitest(
      'test',
      {
        root: options.root,
        ...(options.configFile === undefined ? {} : { config: options.configFile }),
        watch: false,
        reporters: [reporter],
        passWithNoTests: true,
      },
      {},
      { stdout: output, stderr: output },
    );
  } catch (error) {
    throw vitestConfigError(error, tool, options.root, options.configFile);
  } finally {
    for (const signal of signals) {
      for (const listener of process.listeners(signal)) {
        if (!before.get(signal)?.has(listener)) process.off(signal, listener);
      }
    }
  }
  const configFile = vitest.vite.config.configFile;
  const key = await graphCacheKey(
    vitest.config.root,
    [tool.version, ...vitest.projects.map((project) => project.name)],
    [...(configFile ? [configFile] : []), 'package.json', 'tsconfig.json'],
  );
  const graphCache = await ImportGraphCache.open(vitest.config.root, key);
  return new VitestRunner(vitest, bridge, options, vitestMajorApi(major), tool, graphCache);
}

/** Where the reporter (created before the Vitest instance) sends finished test modules. */
interface ReporterBridge {
  onModuleEnd?: (testModule: TestModule) => void;
  onConsole?: (taskId: string | undefined, content: string) => void;
  onModuleQueued?: (testModule: TestModule) => void;
  onTestProgress?: () => void;
  /** What vitest and its workers printed last (why a worker died). */
  printed: RecentLines;
}

class VitestRunner implements TestRunner {
  readonly root: string;
  private specs = new Map<string, TestSpecification[]>();
  private running: Promise<unknown> | undefined;
  private cancelled = false;
  private readonly baseEnv = new Map<TestProject, TestProject['config']['env']>();
  /** The import graph as last crawled, per vitest project (module -> its imports). */
  private readonly graphs = new Map<TestProject, Map<string, string[]>>();

  constructor(
    private readonly vitest: Vitest,
    private readonly bridge: ReporterBridge,
    private readonly options: VitestRunnerOptions,
    private readonly api: VitestMajorApi,
    readonly tool: TestToolInfo,
    private readonly graphCache: ImportGraphCache,
  ) {
    this.root = vitest.config.root;
  }

  private absolute(file: string): string {
    return path.resolve(this.root, file);
  }

  private relative(file: string): string {
    return relativePosix(this.root, file);
  }

  async listTestFiles(): Promise<DiscoveredTestFile[]> {
    const specifications = await this.vitest.globTestSpecifications();
    this.specs = new Map();
    const files: DiscoveredTestFile[] = [];
    // vitest keeps test files it globbed once; a deleted one is gone for us.
    for (const spec of specifications.filter((candidate) => existsSync(candidate.moduleId))) {
      const file = this.relative(spec.moduleId);
      this.specs.set(file, [...(this.specs.get(file) ?? []), spec]);
      files.push({ file, project: spec.project.name });
    }
    return files;
  }

  fullRunFiles(): string[] {
    const files = new Set<string>();
    for (const project of this.vitest.projects) {
      for (const setup of [...project.config.setupFiles, ...[project.config.globalSetup ?? []].flat()])
        files.add(this.relative(path.resolve(project.config.root, setup)));
    }
    const configFile = this.vitest.vite.config.configFile;
    if (configFile) files.add(this.relative(configFile));
    return [...files].filter((file) => !file.startsWith('..'));
  }

  invalidate(files: readonly string[]): void {
    for (const file of files) {
      const absolute = this.absolute(file);
      this.vitest.invalidateFile(absolute);
      this.api.invalidationQueue(this.vitest).add(absolute);
      // A new file may be a new test file: vitest caches its glob results and learns of new ones this way.
      if (existsSync(absolute)) for (const project of this.vitest.projects) project.matchesTestGlob(absolute);
    }
  }

  /**
   * Modules a module imports (static and dynamic), as absolute paths, outside
   * node_modules: from the on-disk graph when the module's content is
   * unchanged, else from vitest's transform (and then kept).
   */
  private async importsOf(project: TestProject, file: string): Promise<string[]> {
    const content = await readFile(file).catch(() => undefined);
    if (content === undefined) return [];
    const hash = contentHash(content);
    const key = `${project.name}\0${this.relative(file)}`;
    const cached = this.graphCache.get(key, hash);
    if (cached) return cached.map((dep) => this.absolute(dep));
    let imports: string[];
    try {
      imports = (await ssrImportIds(project.vite, file))
        .map((dep) =>
          dep.startsWith('/@fs/') ? dep.slice('/@fs'.length) : path.join(project.config.root, dep),
        )
        .map((dep) => dep.split('?')[0] ?? dep)
        .filter((dep) => !dep.includes(`${path.sep}node_modules${path.sep}`));
    } catch {
      // A file that does not compile imports nothing we can know; running it reports the error
      // (and it is not cached: the next run tries again).
      return [];
    }
    this.graphCache.set(
      key,
      hash,
      imports.map((dep) => this.relative(dep)),
    );
    return imports;
  }

  /**
   * Starts vite's transforms of every module the run's tests import (known
   * from the import graph), all at once and not awaited: the run then finds
   * them done instead of transforming one import at a time as the test
   * worker asks for them. Measured on date-fns: a one-shot run whose graph
   * came from the disk cache took longer than one that had just crawled
   * (and so transformed) everything, until this.
   */
  private prefetch(specs: readonly TestSpecification[]): void {
    const seen = new Map<TestProject, Set<string>>();
    for (const spec of specs) {
      const graph = this.graphs.get(spec.project);
      if (!graph) continue;
      const done = seen.get(spec.project) ?? new Set<string>();
      seen.set(spec.project, done);
      const queue = [spec.moduleId];
      while (queue.length > 0) {
        const file = queue.pop() as string;
        if (done.has(file)) continue;
        done.add(file);
        queue.push(...(graph.get(file) ?? []));
        void ssrImportIds(spec.project.vite, file).catch(() => undefined);
      }
    }
  }

  /**
   * The import graph under the given modules, crawled concurrently (as
   * `vitest related` does: one module's imports are transformed while
   * another's are): module -> its imports.
   */
  private async crawl(project: TestProject, starts: readonly string[]): Promise<Map<string, string[]>> {
    const graph = new Map<string, string[]>();
    const visits = new Map<string, Promise<void>>();
    const visit = (file: string): Promise<void> => {
      let visiting = visits.get(file);
      if (!visiting) {
        visiting = (async () => {
          const imports = await this.importsOf(project, file);
          graph.set(file, imports);
          await Promise.all(imports.map(visit));
        })();
        visits.set(file, visiting);
      }
      return visiting;
    };
    await Promise.all(starts.map(visit));
    return graph;
  }

  async importChains(
    changed: readonly string[],
    tests: readonly string[],
  ): Promise<Map<string, ImportChain[]>> {
    const wanted = new Map(changed.map((file) => [this.absolute(file), file]));
    const byProject = new Map<TestProject, { id: string; file: string }[]>();
    for (const test of tests) {
      const spec = this.specs.get(test)?.[0];
      if (!spec) continue;
      byProject.set(spec.project, [
        ...(byProject.get(spec.project) ?? []),
        { id: this.absolute(test), file: test },
      ]);
    }
    const chains = new Map<string, ImportChain[]>();
    for (const [project, projectTests] of byProject) {
      const graph = await this.crawl(
        project,
        projectTests.map((test) => test.id),
      );
      this.graphs.set(project, new Map([...(this.graphs.get(project) ?? []), ...graph]));
      for (const [file, found] of findImportChains(graph, wanted, projectTests, (id) => this.relative(id)))
        chains.set(file, [...(chains.get(file) ?? []), ...found]);
    }
    await this.graphCache.save().catch(() => undefined);
    return chains;
  }

  async run(request: RunnerRequest): Promise<{ cancelled: boolean }> {
    if (this.running) await this.cancel();
    this.cancelled = false;
    const byFile = new Map(request.files.map((entry) => [entry.file, entry.env]));
    const specifications = request.files.flatMap((entry) => this.specs.get(entry.file) ?? []);
    this.prefetch(specifications);
    // One run when every vitest project gets one environment; else one run per environment.
    const key = (env: Record<string, string>) => JSON.stringify(Object.entries(env).sort());
    const envByProject = new Map<TestProject, Set<string>>();
    for (const spec of specifications) {
      const envKey = key(byFile.get(this.relative(spec.moduleId)) ?? {});
      envByProject.set(spec.project, (envByProject.get(spec.project) ?? new Set()).add(envKey));
    }
    const groups: TestSpecification[][] = [...envByProject.values()].every((keys) => keys.size <= 1)
      ? [specifications]
      : [...new Set(specifications.map((spec) => key(byFile.get(this.relative(spec.moduleId)) ?? {})))].map(
          (envKey) =>
            specifications.filter((spec) => key(byFile.get(this.relative(spec.moduleId)) ?? {}) === envKey),
        );

    const reported = new Set<string>();
    // What each test printed in this run (bounded: the last lines per test are all that is shown).
    const printed = new Map<string, string[]>();
    this.bridge.onConsole = (taskId, content) => {
      if (taskId === undefined) return;
      const lines = printed.get(taskId) ?? [];
      lines.push(...content.replace(/\n$/, '').split('\n'));
      printed.set(taskId, lines.slice(-OUTPUT_LINES));
    };
    // Files sent to a worker that have not ended: a dead worker's files, when one dies.
    const inFlight = new Set<string>();
    const printedFrom = this.bridge.printed.mark();
    const run = async () => {
      for (const group of groups) {
        if (this.cancelled || group.length === 0) continue;
        for (const spec of group) this.setEnv(spec.project, byFile.get(this.relative(spec.moduleId)) ?? {});
        try {
          const { unhandledErrors } = await this.vitest.runTestSpecifications(group, false);
          if (this.cancelled) continue;
          // A dead worker's last words (V8's out-of-memory report) may still be in its stderr pipe.
          if (unhandledErrors.length > 0) await new Promise((resolve) => setTimeout(resolve, PIPE_DRAIN_MS));
          const errors = runErrorsOf(
            unhandledErrors,
            [...inFlight],
            this.bridge.printed.since(printedFrom),
            (file) => this.relative(file),
          );
          for (const error of errors) request.onRunError?.(error);
          inFlight.clear();
        } finally {
          this.restoreEnv();
        }
      }
    };
    const reporterTarget = (testModule: TestModule) => {
      if (this.cancelled) return;
      const file = this.relative(testModule.moduleId);
      inFlight.delete(file);
      if (!byFile.has(file) || reported.has(file)) return;
      reported.add(file);
      request.onFileResult(fileResultOf(testModule, this.root, file, printed));
    };
    this.bridge.onModuleEnd = reporterTarget;
    const sequence = this.vitest.config.sequence;
    const defaultSequencer = sequence.sequencer;
    if (usesDefaultSequencer(this.vitest))
      sequence.sequencer = requestOrderSequencer(
        request.files.map((entry) => entry.file),
        this.root,
      );
    this.bridge.onModuleQueued = (testModule) => {
      if (this.cancelled) return;
      const file = this.relative(testModule.moduleId);
      if (!byFile.has(file)) return;
      inFlight.add(file);
      request.onProgress?.({ kind: 'file-started', file });
    };
    this.bridge.onTestProgress = () => {
      if (!this.cancelled) request.onProgress?.({ kind: 'test' });
    };
    const running = run();
    this.running = running;
    try {
      await running;
    } finally {
      if (this.running === running) this.running = undefined;
      sequence.sequencer = defaultSequencer;
      this.bridge.onModuleEnd = undefined;
      this.bridge.onConsole = undefined;
      this.bridge.onModuleQueued = undefined;
      this.bridge.onTestProgress = undefined;
    }
    return { cancelled: this.cancelled };
  }

  private setEnv(project: TestProject, env: Record<string, string>): void {
    if (!this.baseEnv.has(project)) this.baseEnv.set(project, project.config.env);
    project.config.env = { ...(this.baseEnv.get(project) ?? {}), ...env };
  }

  private restoreEnv(): void {
    for (const [project, env] of this.baseEnv) project.config.env = env ?? {};
    this.baseEnv.clear();
  }

  /**
   * Ends the run in progress. Vitest forgets a cancel that lands before its
   * run has begun (the run's start clears it), and a graceful cancel waits
   * for tests still running: so a cancel is sent again when the last one
   * has settled and the run goes on, and a second one while the first is
   * still waiting forces (vitest stops the workers). The cancels sent must
   * settle before the next run: one still tearing down the pool empties the
   * next run's queue, and its files end with no result.
   */
  async cancel(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.cancelled = true;
    let ended = false;
    const end = running.then(
      () => (ended = true),
      () => (ended = true),
    );
    const grace = this.options.cancelGraceMs ?? 250;
    const sent = new Set<Promise<void>>();
    let forcing = false;
    const send = () => {
      const call: Promise<void> = this.vitest
        .cancelCurrentRun('keyboard-input')
        .catch(() => undefined)
        .finally(() => sent.delete(call));
      sent.add(call);
    };
    while (!ended) {
      if (sent.size === 0) {
        forcing = false;
        send();
      } else if (!forcing) {
        forcing = true;
        send();
      }
      await raceTimeout(end, grace);
    }
    await raceTimeout(Promise.allSettled([...sent]), CANCEL_SETTLE_MS);
  }

  async close(): Promise<void> {
    await this.cancel();
    await this.vitest.close();
  }
}
