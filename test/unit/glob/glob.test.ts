import { describe, expect, it } from 'vitest';
import { globMatcher, matchesGlob } from '../../../src/core/glob/glob.js';

describe('glob', () => {
  it.each([
    ['test/unit/**', 'test/unit/a.test.ts', true],
    ['test/unit/**', 'test/unit/x/a.test.ts', true],
    ['test/unit/**', 'test/unit', true],
    ['test/unit/**', 'test/unitx/a.ts', false],
    ['**/*.ts', 'a.ts', true],
    ['**/*.ts', 'a/b/c.ts', true],
    ['a/**/b.ts', 'a/b.ts', true],
    ['a/**/b.ts', 'a/x/y/b.ts', true],
    ['.env*', '.env', true],
    ['.env*', '.env.local', true],
    ['.env*', 'sub/.env', false],
    ['src/{a,b}.ts', 'src/b.ts', true],
    ['src/{a,b}.ts', 'src/c.ts', false],
    ['seed{,s}/**', 'seeds/x.sql', true],
    ['seed{,s}/**', 'seed/x.sql', true],
    ['*.ts', 'a/b.ts', false],
    ['dist/', 'dist/x.js', true],
    ['./compose.yaml', 'compose.yaml', true],
    ['file[0-9].sql', 'file3.sql', true],
    ['file[!0-9].sql', 'file3.sql', false],
    ['a.b', 'axb', false],
    ['cache/**/**', 'cache/a/b', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(matchesGlob(pattern, path)).toBe(expected);
  });

  it('matches any of several patterns', () => {
    const match = globMatcher(['migrations/**', 'seeds/**']);
    expect(['migrations/001.sql', 'seeds/users.sql', 'src/a.ts'].filter(match)).toEqual([
      'migrations/001.sql',
      'seeds/users.sql',
    ]);
    expect(globMatcher([])('a')).toBe(false);
  });
});
