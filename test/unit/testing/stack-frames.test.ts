import { describe, expect, it } from 'vitest';
import { stackFrames } from '../../../src/adapters/vitest/stack-frames.js';

describe("frames of an unparsed stack (vitest 3's test errors)", () => {
  it('reads file and line from named, anonymous and file:// frames, skipping others', () => {
    const stack = [
      'AssertionError: expected 2 to be 3 // Object.is equality',
      '    at /tmp/p/test/unit/broken.test.ts:4:17',
      '    at file:///tmp/p/node_modules/@vitest/runner/dist/chunk-hooks.js:155:11',
      '    at runTest (/tmp/p/node_modules/@vitest/runner/dist/index.js:10:3)',
      '    at new Promise (<anonymous>)',
      '    at node:internal/process/task_queues:95:5',
    ].join('\n');
    expect(stackFrames(stack)).toEqual([
      { file: '/tmp/p/test/unit/broken.test.ts', line: 4 },
      { file: '/tmp/p/node_modules/@vitest/runner/dist/chunk-hooks.js', line: 155 },
      { file: '/tmp/p/node_modules/@vitest/runner/dist/index.js', line: 10 },
    ]);
  });

  it('has no frames without a stack', () => {
    expect(stackFrames(undefined)).toEqual([]);
    expect(stackFrames('Error: no frames')).toEqual([]);
  });
});
