/**
 * Which test files a run covers: the project's tests as the runner knows
 * them (re-discovered when files are added or removed, or the runner's config
 * changed), the affected-test rules applied to changed files, and the
 * explicit and carried-over files of the pending run.
 */
import type { TestRunner } from '../../contracts/test-runner.js';
import { isRunnerConfig } from '../../core/affected/runner-config.js';
import {
  selectAffectedTests,
  selectAllTests,
  type TriggeredAction,
} from '../../core/affected/select-tests.js';
import type { DevenvConfig } from '../../core/config/devenv-config.js';
import { importDistance } from '../../core/affected/import-chains.js';
import {
  changedFiles,
  changesTestFileSet,
  combineSelection,
  triggerOf,
  type PendingRun,
} from '../../core/testing/pending-run.js';
import type { SelectedTestFile, TestKind, TestTrigger } from '../../core/testing/test-model.js';
import { discoverProjectTests, type ProjectTests } from './project-tests.js';

export interface Selection {
  selected: SelectedTestFile[];
  trigger: TestTrigger;
  actions: TriggeredAction[];
  /**
   * Imports between each selected test and the nearest change (0: the test
   * file itself changed, 1: it imports a changed file); absent for tests
   * selected otherwise. The run starts the nearest first.
   */
  distance: ReadonlyMap<string, number>;
}

export class TestSelection {
  constructor(
    private readonly runner: TestRunner,
    private readonly config: DevenvConfig,
    private readonly kinds: ReadonlySet<TestKind>,
    private projectTests: ProjectTests,
  ) {}

  get project(): ProjectTests {
    return this.projectTests;
  }

  testFiles(): string[] {
    return this.projectTests.tests.map((test) => test.file);
  }

  /** Every test file of the kinds asked for. */
  all(reason: string): SelectedTestFile[] {
    return selectAllTests(this.projectTests.tests, reason).filter((file) => this.kinds.has(file.kind));
  }

  /** Selection for a pending run: changes through the affected-test rules, plus carried and explicit files. */
  async select(pending: PendingRun): Promise<Selection> {
    const changed = changedFiles(pending);
    let affected: SelectedTestFile[] = [];
    let actions: TriggeredAction[] = [];
    let distance = new Map<string, number>();
    if (changed.length > 0) {
      await this.catchUp(pending, changed);
      const importChains = await this.runner.importChains(changed, this.testFiles());
      const selection = selectAffectedTests({
        changed,
        tests: this.projectTests.tests,
        rules: this.projectTests.rules,
        importChains,
        fullRunFiles: this.projectTests.fullRunFiles,
      });
      affected = selection.selected;
      actions = selection.actions;
      distance = importDistance(importChains);
      for (const file of changed) distance.set(file, 0);
    }
    return {
      selected: combineSelection(pending, affected, new Set(this.testFiles()), this.kinds),
      trigger: triggerOf(pending),
      actions,
      distance,
    };
  }

  /** Tells the runner what changed; reloads it for a changed runner config; re-discovers tests when needed. */
  private async catchUp(pending: PendingRun, changed: string[]): Promise<void> {
    const reload =
      this.runner.reload !== undefined &&
      changed.some((file) => isRunnerConfig(file, this.config.tests.vitestConfig));
    if (reload) await this.runner.reload?.();
    else this.runner.invalidate(changed);
    if (reload || changesTestFileSet(pending))
      this.projectTests = await discoverProjectTests(
        this.runner,
        this.config,
        this.projectTests.composeFiles,
      );
  }
}
