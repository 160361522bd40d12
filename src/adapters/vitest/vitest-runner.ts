/**
 * The TestRunner on vitest's Node API: one Vitest instance created once and
 * kept warm (config loaded, transforms cached, module graph built), so a
 * rerun pays only for the tests. Which tests import a changed file comes
 * from vitest's own module graph, walked the way `vitest related` does
 * (transformed modules' deps), keeping the chain for the reasons shown.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Reporter, TestModule, TestProject, TestSpecification, Vitest } from 'vitest/node';
import type { DiscoveredTestFile } from '../../core/affected/test-kinds.js';
import type { ImportChain } from '../../core/affected/select-tests.js';
import type { RunnerRequest, TestRunner } from '../../contracts/test-runner.js';
import { fileResultOf, OUTPUT_LINES } from './file-result.js';
import { RecentLines, runErrorsOf } from './run-errors.js';
import { loadVitestNode } from './load-vitest.js';
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

export async function startVitestRunner(options: VitestRunnerOptions): Promise<TestRunner> {
  const { module } = await loadVitestNode(options.root);
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
  const vitest: Vitest = await module.createVitest(
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
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.off(signal, listener);
    }
  }
  return new VitestRunner(vitest, bridge, options);
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

  constructor(
    private readonly vitest: Vitest,
    private readonly bridge: ReporterBridge,
    private readonly options: VitestRunnerOptions,
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
      this.vitest.watcher.invalidates.add(absolute);
      // A new file may be a new test file: vitest caches its glob results and learns of new ones this way.
      if (existsSync(absolute)) for (const project of this.vitest.projects) project.matchesTestGlob(absolute);
    }
  }

  /** Modules a module imports (static and dynamic), as absolute paths, outside node_modules. */
  private async importsOf(
    project: TestProject,
    file: string,
    cache: Map<string, string[]>,
  ): Promise<string[]> {
    const key = `${project.name}\0${file}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const environment = project.vite.environments['ssr'];
    let imports: string[] = [];
    if (environment && existsSync(file)) {
      try {
        const transformed =
          environment.moduleGraph.getModuleById(file)?.transformResult ??
          (await environment.transformRequest(file));
        const deps = [...(transformed?.deps ?? []), ...(transformed?.dynamicDeps ?? [])];
        imports = deps
          .map((dep) =>
            dep.startsWith('/@fs/') ? dep.slice('/@fs'.length) : path.join(project.config.root, dep),
          )
          .map((dep) => dep.split('?')[0] ?? dep)
          .filter((dep) => !dep.includes(`${path.sep}node_modules${path.sep}`));
      } catch {
        // A file that does not compile imports nothing we can know; running it reports the error.
      }
    }
    cache.set(key, imports);
    return imports;
  }

  async importChains(
    changed: readonly string[],
    tests: readonly string[],
  ): Promise<Map<string, ImportChain[]>> {
    const wanted = new Map(changed.map((file) => [this.absolute(file), file]));
    const chains = new Map<string, ImportChain[]>();
    const cache = new Map<string, string[]>();
    for (const test of tests) {
      const spec = this.specs.get(test)?.[0];
      if (!spec) continue;
      const start = this.absolute(test);
      const parent = new Map<string, string | undefined>([[start, undefined]]);
      const queue = [start];
      while (queue.length > 0) {
        const current = queue.shift() as string;
        for (const dep of await this.importsOf(spec.project, current, cache)) {
          if (parent.has(dep)) continue;
          parent.set(dep, current);
          const changedFile = wanted.get(dep);
          if (changedFile !== undefined) {
            const chain: string[] = [];
            for (let node: string | undefined = dep; node !== undefined; node = parent.get(node))
              chain.push(this.relative(node));
            chains.set(changedFile, [...(chains.get(changedFile) ?? []), { test, chain }]);
          }
          if (existsSync(dep)) queue.push(dep);
        }
      }
    }
    return chains;
  }

  async run(request: RunnerRequest): Promise<{ cancelled: boolean }> {
    if (this.running) await this.cancel();
    this.cancelled = false;
    const byFile = new Map(request.files.map((entry) => [entry.file, entry.env]));
    const specifications = request.files.flatMap((entry) => this.specs.get(entry.file) ?? []);
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
   * for tests still running: so the cancel is repeated every grace period
   * until the run has ended (a repeat forces: vitest stops the workers).
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
    while (!ended) {
      void this.vitest.cancelCurrentRun('keyboard-input').catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([end, new Promise<void>((resolve) => (timer = setTimeout(resolve, grace)))]);
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.cancel();
    await this.vitest.close();
  }
}
