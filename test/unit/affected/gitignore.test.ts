import { describe, expect, it } from 'vitest';
import { gitignoreMatcher, ignoredByLayers, parseGitignore } from '../../../src/core/affected/gitignore.js';

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

describe('nested .gitignore files', () => {
  const layers = [
    { scope: '', rules: parseGitignore('*.log\n/tmp\n') },
    { scope: 'web', rules: parseGitignore('!keep.log\ngenerated/\n/local.txt\n') },
    { scope: 'web/deep', rules: parseGitignore('*.txt\n') },
  ];
  it('match paths relative to their own directory, the deeper file winning', () => {
    const cases: Record<string, boolean> = {
      'app.log': true,
      'web/app.log': true,
      'web/keep.log': false,
      'web/generated/a.js': true,
      'generated/a.js': false,
      'web/local.txt': true,
      'web/sub/local.txt': false,
      'web/deep/notes.txt': true,
      'notes.txt': false,
      'tmp/x': true,
      'web/tmp/x': false,
    };
    expect(
      Object.fromEntries(Object.keys(cases).map((path) => [path, ignoredByLayers(layers, path)])),
    ).toEqual(cases);
  });
});
