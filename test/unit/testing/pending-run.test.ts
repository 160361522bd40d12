import { describe, expect, it } from 'vitest';
import {
  addChanges,
  addExplicit,
  carryOver,
  changesTestFileSet,
  combineSelection,
  emptyPending,
  triggerOf,
} from '../../../src/core/testing/pending-run.js';
import { countTests, fileStates, runFailed } from '../../../src/core/testing/run-summary.js';
import type { SelectedTestFile, TestFileResult } from '../../../src/core/testing/test-model.js';

const unit = (file: string, ...reasons: string[]): SelectedTestFile => ({ file, kind: 'unit', reasons });
const both = new Set(['unit', 'integration'] as const);

describe('pending run', () => {
  it('merges affected, explicit and carried files by path, their reasons in order, sorted by path', () => {
    const pending = emptyPending();
    addExplicit(pending, [unit('b.test.ts', 'run all'), unit('gone.test.ts', 'run all')], 'run all');
    carryOver(
      pending,
      [unit('a.test.ts', 'imports x.ts'), unit('b.test.ts', 'imports x.ts')],
      new Set(['a.test.ts']),
    );
    const known = new Set(['a.test.ts', 'b.test.ts', 'c.test.ts']);
    expect(
      combineSelection(pending, [unit('c.test.ts', 'changed'), unit('b.test.ts', 'changed')], known, both),
    ).toEqual([unit('b.test.ts', 'changed', 'run all', 'imports x.ts'), unit('c.test.ts', 'changed')]);
  });

  it('keeps only the kinds asked for', () => {
    const pending = emptyPending();
    addExplicit(
      pending,
      [unit('u.test.ts', 'r'), { file: 'i.test.ts', kind: 'integration', reasons: ['r'] }],
      'r',
    );
    expect(
      combineSelection(pending, [], new Set(['u.test.ts', 'i.test.ts']), new Set(['integration'] as const)),
    ).toEqual([{ file: 'i.test.ts', kind: 'integration', reasons: ['r'] }]);
  });

  it('names its changed files and distinct reasons as the trigger', () => {
    const pending = emptyPending();
    addChanges(pending, [{ path: 'src/b.ts', kind: 'changed' }], 'change');
    addChanges(pending, [{ path: 'src/a.ts', kind: 'changed' }], 'change');
    addExplicit(pending, [], 'run all');
    expect(triggerOf(pending)).toEqual({ files: ['src/a.ts', 'src/b.ts'], reason: 'change, run all' });
    expect(triggerOf(emptyPending())).toEqual({ files: [], reason: 'change' });
    expect(changesTestFileSet(pending)).toBe(false);
    addChanges(pending, [{ path: 'test/new.test.ts', kind: 'added' }], 'change');
    expect(changesTestFileSet(pending)).toBe(true);
  });
});

describe('run summary', () => {
  const result = (
    file: string,
    state: TestFileResult['state'],
    passed: number,
    failed: number,
  ): TestFileResult => ({
    file,
    kind: 'unit',
    state,
    durationMs: 1,
    tests: { passed, failed, skipped: 1 },
    failures: [],
  });

  it('adds up the tests of every result', () => {
    expect(countTests([result('a', 'pass', 3, 0), result('b', 'fail', 1, 2)])).toEqual({
      passed: 4,
      failed: 2,
      skipped: 2,
    });
  });

  it('lists a file without a result as not-run, unless the run was cancelled', () => {
    const results = new Map([['a', result('a', 'fail', 0, 1)]]);
    const selected = [unit('a'), unit('b')];
    expect(fileStates(selected, results, false)).toEqual([
      { file: 'a', state: 'fail' },
      { file: 'b', state: 'not-run' },
    ]);
    expect(fileStates(selected, results, true)).toEqual([{ file: 'a', state: 'fail' }]);
  });

  it('fails a file without a result that a crash or stall names; the rest did not run', () => {
    const results = new Map([['a', result('a', 'pass', 1, 0)]]);
    const selected = [unit('a'), unit('b'), unit('c')];
    const errors = [{ kind: 'crash' as const, message: 'worker died', files: ['b'] }];
    expect(fileStates(selected, results, false, errors)).toEqual([
      { file: 'a', state: 'pass' },
      { file: 'b', state: 'fail' },
      { file: 'c', state: 'not-run' },
    ]);
  });

  it('keeps a file the run left out on purpose as skip', () => {
    const selected = [unit('a'), unit('b')];
    expect(fileStates(selected, new Map(), false, [], new Set(['a']))).toEqual([
      { file: 'a', state: 'skip' },
      { file: 'b', state: 'not-run' },
    ]);
  });

  it('counts a run with an error outside tests or a file not run as failed', () => {
    const none = { passed: 1, failed: 0, skipped: 0 };
    expect(runFailed(none, [{ state: 'pass' }, { state: 'skip' }])).toBe(false);
    expect(runFailed(none, [{ state: 'pass' }, { state: 'not-run' }])).toBe(true);
    expect(runFailed(none, [{ state: 'pass' }], 1)).toBe(true);
    expect(runFailed({ ...none, failed: 1 }, [{ state: 'pass' }])).toBe(true);
  });
});
