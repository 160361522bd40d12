import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBuildContext } from '../../../src/adapters/docker/build-context.js';
import { isIgnored, parseDockerignore } from '../../../src/adapters/docker/dockerignore.js';

function ignored(patterns: string[], path: string): boolean {
  return isIgnored(parseDockerignore(patterns.join('\n')), path);
}

describe('.dockerignore matching', () => {
  it('skips comments and blank lines, trims, and cleans leading/trailing slashes', () => {
    const rules = parseDockerignore('# comment\n\n  /build/  \n./dist\n');
    expect(rules.map((r) => r.pattern)).toEqual(['build', 'dist']);
  });

  it.each([
    [['*.log'], 'debug.log', true],
    [['*.log'], 'app/debug.log', false],
    [['*/*.log'], 'app/debug.log', true],
    [['**/*.log'], 'debug.log', true],
    [['**/*.log'], 'a/b/c/debug.log', true],
    [['a/**/z'], 'a/z', true],
    [['a/**/z'], 'a/b/c/z', true],
    [['a/**'], 'a/b/c', true],
    [['node_modules'], 'node_modules/x/index.js', true],
    [['node_modules'], 'app/node_modules/x.js', false],
    [['file?.txt'], 'file1.txt', true],
    [['file?.txt'], 'file10.txt', false],
    [['file?.txt'], 'file/.txt', false],
    [['[a-c].md'], 'b.md', true],
    // In Go's syntax `!` in a class is a literal and `^` negates (docker CLI 28.2.2, legacy builder).
    [['[!a-c].md'], 'b.md', true],
    [['[!a-c].md'], '!.md', true],
    [['[!a-c].md'], 'd.md', false],
    [['[^a-c].md'], 'b.md', false],
    [['[^a-c].md'], 'd.md', true],
    [['\\*.md'], '*.md', true],
    [['\\*.md'], 'x.md', false],
    [['*'], 'anything/at/all', true],
    [['*.md', '!README.md'], 'README.md', false],
    [['*.md', '!README.md'], 'CHANGES.md', true],
    [['*.md', '!README.md', 'README*'], 'README.md', true],
    [['docs', '!docs/keep.txt'], 'docs/keep.txt', false],
    [['docs', '!docs/keep.txt'], 'docs/drop.txt', true],
    [['a.b'], 'axb', false],
  ])('%j on %s -> %s', (patterns, path, expected) => {
    expect(ignored(patterns, path)).toBe(expected);
  });
});

describe('build context selection', () => {
  it('walks the context, applies exceptions inside ignored directories, always keeps Dockerfile and .dockerignore', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'devenv-ctx-'));
    try {
      await mkdir(join(dir, 'docs', 'deep'), { recursive: true });
      await mkdir(join(dir, 'empty'));
      await mkdir(join(dir, 'build'));
      await writeFile(join(dir, 'build', 'out.bin'), '');
      await writeFile(join(dir, 'docs', 'keep.txt'), '');
      await writeFile(join(dir, 'docs', 'drop.txt'), '');
      await writeFile(join(dir, 'docs', 'deep', 'keep.txt'), '');
      await writeFile(join(dir, 'app.Dockerfile'), '');
      await writeFile(join(dir, 'main.ts'), '');
      await writeFile(join(dir, '.dockerignore'), 'build\ndocs\n!**/keep.txt\n*.Dockerfile\n.dockerignore\n');
      expect(await listBuildContext(dir, 'app.Dockerfile')).toEqual([
        '.dockerignore',
        'app.Dockerfile',
        'docs/deep/keep.txt',
        'docs/keep.txt',
        'empty',
        'main.ts',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
