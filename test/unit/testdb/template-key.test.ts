import { describe, expect, it } from 'vitest';
import { templateInputs, templateKey } from '../../../src/core/testdb/template-key.js';

const files = [
  { path: 'migrations/001.sql', digest: 'aa' },
  { path: 'seed/users.sql', digest: 'bb' },
];

describe('template key', () => {
  it('is stable whatever the order of the files', () => {
    expect(templateKey({ files, migrate: 'm', seed: 's' })).toBe(
      templateKey({ files: [...files].reverse(), migrate: 'm', seed: 's' }),
    );
    expect(templateKey({ files, migrate: 'm' })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes with a file’s content, a new file, a renamed file, and the commands', () => {
    const base = templateKey({ files, migrate: 'm', seed: 's' });
    const variants = [
      templateKey({ files: [{ ...files[0]!, digest: 'ab' }, files[1]!], migrate: 'm', seed: 's' }),
      templateKey({
        files: [...files, { path: 'migrations/002.sql', digest: 'cc' }],
        migrate: 'm',
        seed: 's',
      }),
      templateKey({
        files: [{ ...files[0]!, path: 'migrations/000.sql' }, files[1]!],
        migrate: 'm',
        seed: 's',
      }),
      templateKey({ files, migrate: 'm2', seed: 's' }),
      templateKey({ files, migrate: 'm', seed: 's2' }),
      templateKey({ files, migrate: 'ms', seed: '' }),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('uses the default inputs when none are configured', () => {
    expect(templateInputs(undefined)).toEqual(['migrations/**', 'seed/**', 'seeds/**']);
    expect(templateInputs([])).toEqual(['migrations/**', 'seed/**', 'seeds/**']);
    expect(templateInputs(['db/schema.sql'])).toEqual(['db/schema.sql']);
  });
});
