/**
 * Which test files a set of changed files affects, and why. Pure: the import
 * graph answer comes from the test runner's own module graph (adapters/vitest),
 * the rules from devenv.yaml and the defaults (default-triggers.ts).
 *
 * A changed test file selects itself; a changed file that a test imports
 * (directly or through other modules) selects that test; a change to a file
 * in `fullRunFiles` selects every test; trigger rules select a kind, every
 * test, or named test files, and may ask for an action.
 */
import type { SelectedTestFile, TestKind } from '../testing/test-model.js';
import type { TriggerAction, TriggerRule } from '../config/devenv-config.js';
import { globMatcher } from '../glob/glob.js';

export interface TestFileInfo {
  /** Project-relative POSIX path. */
  file: string;
  kind: TestKind;
}

/** One way a test reaches a changed file: chain[0] is the changed file, the last entry the test file. */
export interface ImportChain {
  test: string;
  chain: string[];
}

export interface AffectedInput {
  /** Project-relative POSIX paths of the changed (added, modified, removed) files. */
  changed: readonly string[];
  /** Every test file, with its kind. */
  tests: readonly TestFileInfo[];
  /** Trigger rules in the order they apply (see effectiveTriggerRules). */
  rules: readonly TriggerRule[];
  /** Changed file -> the tests that import it, with the import chain. */
  importChains: ReadonlyMap<string, readonly ImportChain[]>;
  /** Globs of files whose change selects every test (tool configuration, lockfiles, setup files). */
  fullRunFiles: readonly string[];
}

export interface TriggeredAction {
  action: TriggerAction;
  /** The rule's first glob, for messages. */
  rule: string;
  files: string[];
}

export interface AffectedSelection {
  selected: SelectedTestFile[];
  actions: TriggeredAction[];
  /** Changed files that selected nothing. */
  unmatched: string[];
}

export function formatChain(chain: readonly string[]): string {
  return chain.join(' <- ');
}

function describeRun(run: TriggerRule['run']): string {
  return Array.isArray(run) ? run.join(', ') : run;
}

export function selectAffectedTests(input: AffectedInput): AffectedSelection {
  const reasons = new Map<string, string[]>();
  const kinds = new Map(input.tests.map((test) => [test.file, test.kind]));
  const add = (file: string, reason: string) => {
    if (!kinds.has(file)) return;
    const list = reasons.get(file) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(file, list);
  };
  const actions = new Map<string, TriggeredAction>();
  const unmatched: string[] = [];
  const isFullRunFile = globMatcher(input.fullRunFiles);
  const ruleMatchers = input.rules.map((rule) => ({ rule, matches: globMatcher(rule.files) }));

  for (const file of [...new Set(input.changed)].sort()) {
    let matched = false;
    if (kinds.has(file)) {
      add(file, 'changed');
      matched = true;
    }
    if (isFullRunFile(file)) {
      for (const test of input.tests) add(test.file, `config ${file} changed -> all`);
      matched = true;
    }
    for (const { rule, matches } of ruleMatchers) {
      if (!matches(file)) continue;
      matched = true;
      const label = `rule ${rule.files.join(', ')} -> ${describeRun(rule.run)}`;
      const reason = `${label} (${file})`;
      if (rule.run === 'all') for (const test of input.tests) add(test.file, reason);
      else if (Array.isArray(rule.run)) {
        const named = globMatcher(rule.run);
        for (const test of input.tests) if (named(test.file)) add(test.file, reason);
      } else for (const test of input.tests) if (test.kind === rule.run) add(test.file, reason);
      if (rule.action && rule.action !== 'rerun') {
        const key = `${rule.action}\0${rule.files.join(',')}`;
        const entry = actions.get(key) ?? { action: rule.action, rule: rule.files[0] ?? '', files: [] };
        entry.files.push(file);
        actions.set(key, entry);
      }
    }
    for (const { test, chain } of input.importChains.get(file) ?? []) {
      if (test === file) continue;
      add(test, `imports ${file} (${formatChain(chain)})`);
      matched = true;
    }
    if (!matched) unmatched.push(file);
  }

  const selected = [...reasons.entries()]
    .map(([file, list]) => ({ file, kind: kinds.get(file) as TestKind, reasons: list }))
    .sort((a, b) => a.file.localeCompare(b.file));
  return { selected, actions: [...actions.values()], unmatched };
}

/** Every test, e.g. for `devenv test --all` or the UI's "run all". */
export function selectAllTests(tests: readonly TestFileInfo[], reason: string): SelectedTestFile[] {
  return [...tests]
    .sort((a, b) => a.file.localeCompare(b.file))
    .map((test) => ({ file: test.file, kind: test.kind, reasons: [reason] }));
}
