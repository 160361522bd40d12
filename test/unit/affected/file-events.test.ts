import { describe, expect, it } from 'vitest';
import { coalesceFileEvents } from '../../../src/core/affected/file-events.js';

describe('coalesceFileEvents', () => {
  it('treats an atomic save (unlink + add of one path) as a change', () => {
    expect(
      coalesceFileEvents([
        { kind: 'unlink', path: 'src/a.ts' },
        { kind: 'add', path: 'src/a.ts' },
      ]),
    ).toEqual([{ path: 'src/a.ts', kind: 'changed' }]);
  });

  it('drops a temporary file created and removed within the window', () => {
    expect(
      coalesceFileEvents([
        { kind: 'add', path: 'src/.a.ts.swp' },
        { kind: 'change', path: 'src/a.ts' },
        { kind: 'unlink', path: 'src/.a.ts.swp' },
      ]),
    ).toEqual([{ path: 'src/a.ts', kind: 'changed' }]);
  });

  it('keeps additions and removals, one entry per path, sorted', () => {
    expect(
      coalesceFileEvents([
        { kind: 'unlink', path: 'b.ts' },
        { kind: 'add', path: 'a.ts' },
        { kind: 'change', path: 'a.ts' },
        { kind: 'change', path: 'c.ts' },
        { kind: 'change', path: 'c.ts' },
      ]),
    ).toEqual([
      { path: 'a.ts', kind: 'added' },
      { path: 'b.ts', kind: 'removed' },
      { path: 'c.ts', kind: 'changed' },
    ]);
  });
});
