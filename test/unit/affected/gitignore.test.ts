import { describe, expect, it } from 'vitest';
import { gitignoreMatcher } from '../../../src/core/affected/gitignore.js';

describe('gitignoreMatcher', () => {
  const ignored = gitignoreMatcher([
    ['# build', 'out/', '*.log', '/tmp', 'docs/generated', '!keep.log', '', 'cache/**'].join('\n'),
  ]);

  it.each([
    ['out', true],
    ['out/app.js', true],
    ['packages/x/out/app.js', true],
    ['server.log', true],
    ['logs/deep/server.log', true],
    ['keep.log', false],
    ['tmp/x', true],
    ['src/tmp/x', false],
    ['docs/generated/a.md', true],
    ['src/docs/generated/a.md', false],
    ['cache/a/b', true],
    ['src/index.ts', false],
  ])('%s ignored: %s', (path, expected) => {
    expect(ignored(path)).toBe(expected);
  });
});
