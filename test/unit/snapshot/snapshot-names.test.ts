import { describe, expect, it } from 'vitest';
import { DevenvError } from '../../../src/core/errors.js';
import {
  checkSnapshotName,
  parseSnapshotComment,
  parseSnapshotDatabase,
  scratchDatabase,
  snapshotComment,
  snapshotDatabases,
  snapshotListing,
  snapshotNameProblem,
  stackTag,
  trashDatabase,
} from '../../../src/core/snapshot/snapshot-names.js';
import { stackIdentity } from '../../../src/core/stack/identity.js';
import { parseDatabaseName } from '../../../src/core/testdb/database-names.js';

const main = stackIdentity({ project: 'shop', owner: 'alice', branch: 'main' }).name;
const feature = stackIdentity({ project: 'shop', owner: 'alice', branch: 'feature/x' }).name;
const record = (stack: string, name: string, createdAt: string) =>
  snapshotComment({ name, stack, database: 'shop_dev', owner: 'app', createdAt });

describe('snapshot names', () => {
  it('accepts lowercase letters, digits, - and _ up to 32 characters', () => {
    for (const name of ['s1', 'before-migration', 'v2_seeded', '0day', 'a'.repeat(32)])
      expect(snapshotNameProblem(name), name).toBeUndefined();
  });

  it('says what is wrong with a name, and the rule in the hint', () => {
    expect(snapshotNameProblem('')).toBe('it is empty');
    expect(snapshotNameProblem('a'.repeat(33))).toBe('it is longer than 32 characters');
    expect(snapshotNameProblem('Before Migration')).toBe('it contains "B", " ", "M"');
    expect(snapshotNameProblem('-x')).toBe('it must start with a letter or digit');
    expect(snapshotNameProblem('a"b')).toBe('it contains "\\""');
    const error = (() => {
      try {
        checkSnapshotName('x/y');
      } catch (e) {
        return e as DevenvError;
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe('Invalid snapshot name "x/y": it contains "/".');
    expect(error.hint).toContain('lowercase letters, digits, - and _');
  });

  it('names the databases after the stack, within 63 bytes', () => {
    const tag = stackTag(main);
    expect(tag).toMatch(/^[0-9a-f]{8}$/);
    expect(snapshotDatabases(main, 'before')).toEqual({
      snapshot: `devenv_snap_${tag}_before`,
      ready: `devenv_snapr_${tag}_before`,
    });
    expect(trashDatabase(main, 'beef0001')).toBe(`devenv_snapx_${tag}_beef0001`);
    expect(scratchDatabase(main, 'beef0002')).toBe(`devenv_snapb_${tag}_beef0002`);
    const longest = snapshotDatabases(main, 'a'.repeat(32));
    expect(Buffer.byteLength(longest.ready)).toBeLessThanOrEqual(63);
  });

  it('gives two branches of one project different tags, and reads back only its own', () => {
    expect(stackTag(main)).not.toBe(stackTag(feature));
    const mine = snapshotDatabases(main, 's1');
    expect(parseSnapshotDatabase(mine.snapshot, main)).toEqual({
      kind: 'snapshot',
      database: mine.snapshot,
      name: 's1',
    });
    expect(parseSnapshotDatabase(mine.ready, main)).toMatchObject({ kind: 'ready', name: 's1' });
    expect(parseSnapshotDatabase(trashDatabase(main, 'ab'), main)).toMatchObject({ kind: 'trash' });
    expect(parseSnapshotDatabase(mine.snapshot, feature)).toBeUndefined();
    expect(parseSnapshotDatabase(trashDatabase(main, 'ab'), feature)).toBeUndefined();
    expect(parseSnapshotDatabase('shop_dev', main)).toBeUndefined();
    expect(parseSnapshotDatabase('devenv_tpl_abcdef012345', main)).toBeUndefined();
  });

  it('are never taken for test databases (whose stale ones the test runs drop)', () => {
    const { snapshot, ready } = snapshotDatabases(main, 'clean');
    for (const name of [snapshot, ready, trashDatabase(main, 'ab'), scratchDatabase(main, 'cd')])
      expect(parseDatabaseName(name), name).toBeUndefined();
  });

  it('keeps its record in the comment, and reads what it can of a foreign one', () => {
    const text = record(main, 's1', '2026-01-10T12:00:00.000Z');
    expect(text.startsWith('devenv snapshot {')).toBe(true);
    expect(parseSnapshotComment(text)).toEqual({
      name: 's1',
      stack: main,
      database: 'shop_dev',
      owner: 'app',
      createdAt: '2026-01-10T12:00:00.000Z',
    });
    expect(parseSnapshotComment('')).toEqual({});
    expect(parseSnapshotComment('devenv snapshot {oops')).toEqual({});
    expect(parseSnapshotComment('devenv snapshot {"database": 3, "name": "x"}')).toEqual({ name: 'x' });
  });
});

describe('a stack’s listing', () => {
  const mine = (name: string) => snapshotDatabases(main, name);
  const theirs = snapshotDatabases(feature, 'theirs');
  const rows = [
    [mine('b').snapshot, '2000', record(main, 'b', '2026-01-10T12:00:00.000Z')],
    [mine('a').snapshot, '1000', record(main, 'a', '2026-01-10T13:00:00.000Z')],
    [mine('a').ready, '1000', ''],
    [mine('gone').ready, '1000', ''],
    [trashDatabase(main, '0001'), '5', ''],
    [scratchDatabase(main, '0002'), '5', ''],
    [theirs.snapshot, '3000', record(feature, 'theirs', '2026-01-09T00:00:00.000Z')],
    [theirs.ready, '3000', ''],
    [mine('bare').snapshot, '7', ''],
  ];

  it('shows this stack’s snapshots only, oldest first, with their ready copies', () => {
    const listing = snapshotListing(rows, main, 'fallback_db');
    expect(listing.snapshots).toEqual([
      { name: 'bare', database: 'fallback_db', sizeBytes: 7, createdAt: '', owner: '', ready: false },
      {
        name: 'b',
        database: 'shop_dev',
        sizeBytes: 2000,
        createdAt: '2026-01-10T12:00:00.000Z',
        owner: 'app',
        ready: false,
      },
      {
        name: 'a',
        database: 'shop_dev',
        sizeBytes: 1000,
        createdAt: '2026-01-10T13:00:00.000Z',
        owner: 'app',
        ready: true,
      },
    ]);
  });

  it('names what the refill drops: set-aside databases, unfinished saves, ready copies without a snapshot', () => {
    const listing = snapshotListing(rows, main, 'fallback_db');
    expect(listing.trash).toEqual([trashDatabase(main, '0001')]);
    expect(listing.scratch).toEqual([scratchDatabase(main, '0002')]);
    expect(listing.strayReady).toEqual([mine('gone').ready]);
    expect(snapshotListing(rows, feature, 'x').snapshots.map((s) => s.name)).toEqual(['theirs']);
  });
});
