import { describe, expect, it } from 'vitest';
import { runOrder } from '../../../src/core/testing/run-order.js';
import type { SelectedTestFile } from '../../../src/core/testing/test-model.js';

const file = (name: string): SelectedTestFile => ({ file: name, kind: 'unit', reasons: [] });

describe('runOrder', () => {
  it('runs the nearest to the change first, then files selected otherwise, each in selection order', () => {
    const selected = ['a.test.ts', 'b.test.ts', 'c.test.ts', 'd.test.ts', 'e.test.ts'].map(file);
    const distance = new Map([
      ['c.test.ts', 1],
      ['a.test.ts', 3],
      ['e.test.ts', 0],
      ['d.test.ts', 1],
    ]);
    expect(runOrder(selected, distance).map((f) => f.file)).toEqual([
      'e.test.ts',
      'c.test.ts',
      'd.test.ts',
      'a.test.ts',
      'b.test.ts',
    ]);
  });

  it('keeps the selection order when nothing is known', () => {
    const selected = ['b.test.ts', 'a.test.ts'].map(file);
    expect(runOrder(selected, new Map()).map((f) => f.file)).toEqual(['b.test.ts', 'a.test.ts']);
  });
});
