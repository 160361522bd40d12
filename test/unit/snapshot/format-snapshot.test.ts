import { describe, expect, it } from 'vitest';
import { snapshotEventLine, snapshotTable } from '../../../src/ui/format-snapshot.js';

describe('snapshot lines', () => {
  it('lists name, database, size and creation time in columns', () => {
    expect(
      snapshotTable('shop-main-alice-3f2a1c', [
        {
          name: 'clean',
          database: 'shop_dev',
          sizeBytes: 104_857_600,
          createdAt: '2026-01-10T12:03:04.000Z',
          owner: 'app',
          ready: true,
        },
        {
          name: 'before-migration',
          database: 'shop_dev',
          sizeBytes: 7_500_000,
          createdAt: '',
          owner: '',
          ready: false,
        },
      ]),
    ).toEqual([
      'NAME              DATABASE  SIZE      CREATED',
      'clean             shop_dev  104.9 MB  2026-01-10 12:03 UTC',
      'before-migration  shop_dev  7.5 MB    -',
    ]);
    expect(snapshotTable('s', [])).toEqual([
      'No snapshots in stack s: take one with `devenv db snapshot save NAME`.',
    ]);
  });

  it('says how a restore went', () => {
    const restored = {
      type: 'snapshot.restored',
      stack: 's',
      snapshot: 'clean',
      database: 'shop_dev',
    } as const;
    expect(snapshotEventLine({ ...restored, durationMs: 31.4, via: 'ready-copy' })).toBe(
      'snapshot clean restored into database shop_dev in 31 ms (its ready copy renamed into place)',
    );
    expect(snapshotEventLine({ ...restored, durationMs: 2400, via: 'clone' })).toBe(
      'snapshot clean restored into database shop_dev in 2.4 s (cloned: no ready copy yet)',
    );
  });
});
