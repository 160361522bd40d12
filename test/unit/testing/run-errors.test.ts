/** vitest's errors outside tests as devenv's run errors (adapters/vitest/run-errors.ts). */
import { describe, expect, it } from 'vitest';
import { runErrorsOf } from '../../../src/adapters/vitest/run-errors.js';

const loss = (cause: string) => ({
  message: '[vitest-pool]: Worker forks emitted error.',
  cause: { message: cause },
});

describe('run errors', () => {
  it('says a dead worker exited, whether its exit or a write to it was seen first', () => {
    const byExit = runErrorsOf([loss('Worker exited unexpectedly')], ['test/b.test.ts'], [], (f) => f);
    const byPipe = runErrorsOf([loss('write EPIPE')], ['test/b.test.ts'], [], (f) => f);
    for (const errors of [byExit, byPipe]) {
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ kind: 'crash', files: ['test/b.test.ts'] });
      expect(errors[0]?.message).toContain('Worker exited unexpectedly');
    }
    expect(byPipe[0]?.message).toContain('write EPIPE');
  });
});
