import { describe, expect, it } from 'vitest';
import { globBase, globCovers, globMatches } from '../../../src/core/glob/glob-scope.js';

describe('globs', () => {
  it('matches * within a segment, ** across directories, ? and classes', () => {
    expect(globMatches('migrations/**', 'migrations/2024/001.sql')).toBe(true);
    expect(globMatches('migrations/*.sql', 'migrations/001.sql')).toBe(true);
    expect(globMatches('migrations/*.sql', 'migrations/old/001.sql')).toBe(false);
    expect(globMatches('**/*.sql', 'db/migrations/001.sql')).toBe(true);
    expect(globMatches('**/*.sql', '001.sql')).toBe(true);
    expect(globMatches('seed/0?.sql', 'seed/01.sql')).toBe(true);
    expect(globMatches('seed/[ab].sql', 'seed/c.sql')).toBe(false);
    expect(globMatches('./seeds/**', 'seeds/x.ts')).toBe(true);
    expect(globMatches('migrations/**', 'migrationsX/1.sql')).toBe(false);
  });

  it('lets a directory name cover what is below it', () => {
    expect(globCovers('node_modules', 'node_modules/a/b.js')).toBe(true);
    expect(globCovers('*.tmp', 'cache/x.tmp')).toBe(false);
    expect(globCovers('cache', 'cache/x.tmp')).toBe(true);
  });

  it('finds the literal directory to walk', () => {
    expect(globBase('migrations/**')).toBe('migrations');
    expect(globBase('db/migrations/*.sql')).toBe('db/migrations');
    expect(globBase('*.sql')).toBe('.');
    expect(globBase('**/schema.sql')).toBe('.');
    expect(globBase('db/schema.sql')).toBe('db/schema.sql');
    expect(globBase('migrations')).toBe('migrations');
  });
});
