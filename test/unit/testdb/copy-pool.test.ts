import { describe, expect, it } from 'vitest';
import { CopyPool, type PooledCopy } from '../../../src/core/testdb/copy-pool.js';

const copy = (name: string, key: string, createdAt = 1000): PooledCopy => ({ name, key, createdAt });

/** A pool for key `k` holding the given ready copies (made through the clone life cycle). */
function poolWith(size: number, key: string, names: readonly string[]): CopyPool {
  const pool = new CopyPool(size);
  pool.take(key, 0);
  pool.activate(key);
  for (const name of names) {
    pool.fillStarted(copy(name, key));
    expect(pool.fillDone(name)).toBe('ready');
  }
  return pool;
}

describe('CopyPool', () => {
  it('asks for nothing until a lease has shown the template of a key exists', () => {
    const pool = new CopyPool(2);
    expect(pool.wanted()).toBeUndefined();
    expect(pool.take('k1', 0)).toEqual({ copy: undefined, discard: [] });
    expect(pool.wanted()).toBeUndefined();
    pool.activate('k1');
    expect(pool.wanted()).toEqual({ key: 'k1', count: 2 });
  });

  it('counts clones in progress toward the size, and hands out ready copies oldest first', () => {
    const pool = new CopyPool(2);
    pool.take('k1', 0);
    pool.activate('k1');
    pool.fillStarted(copy('a', 'k1', 1));
    expect(pool.wanted()).toEqual({ key: 'k1', count: 1 });
    pool.fillStarted(copy('b', 'k1', 2));
    expect(pool.wanted()).toBeUndefined();
    expect(pool.fillDone('b')).toBe('ready');
    expect(pool.fillDone('a')).toBe('ready');
    expect(pool.counts()).toEqual({ ready: 2, filling: 0 });
    expect(pool.take('k1', 0).copy?.name).toBe('b');
    expect(pool.wanted()).toEqual({ key: 'k1', count: 1 });
    expect(pool.take('k1', 0).copy?.name).toBe('a');
    expect(pool.take('k1', 0).copy).toBeUndefined();
  });

  it('never hands out a copy of another key, and gives those back to drop', () => {
    const pool = poolWith(2, 'k1', ['a', 'b']);
    const taken = pool.take('k2', 0);
    expect(taken.copy).toBeUndefined();
    expect(taken.discard.map((c) => c.name)).toEqual(['a', 'b']);
    expect(pool.counts().ready).toBe(0);
    // No refills for k2 until a lease got a copy of its template.
    expect(pool.wanted()).toBeUndefined();
    pool.activate('k2');
    expect(pool.wanted()).toEqual({ key: 'k2', count: 2 });
  });

  it('drops a clone of the old key that ends after the key changed', () => {
    const pool = poolWith(2, 'k1', []);
    pool.fillStarted(copy('late', 'k1'));
    pool.take('k2', 0);
    expect(pool.fillDone('late')).toBe('drop');
    expect(pool.take('k1', 0).copy).toBeUndefined();
  });

  it('pause() stops refills but keeps the ready copies, for the key may be unchanged', () => {
    const pool = poolWith(2, 'k1', ['a']);
    pool.fillStarted(copy('b', 'k1'));
    pool.pause();
    expect(pool.wanted()).toBeUndefined();
    // A clone that ends while paused is kept: the next lease decides.
    expect(pool.fillDone('b')).toBe('ready');
    const taken = pool.take('k1', 0);
    expect(taken.copy?.name).toBe('a');
    expect(taken.discard).toEqual([]);
    expect(pool.wanted()).toBeUndefined();
    pool.activate('k1');
    expect(pool.wanted()).toEqual({ key: 'k1', count: 1 });
  });

  it('ignores an activation for a key a later lease moved away from', () => {
    const pool = new CopyPool(1);
    pool.take('k1', 0);
    pool.take('k2', 0);
    pool.activate('k1');
    expect(pool.wanted()).toBeUndefined();
    pool.activate('k2');
    expect(pool.wanted()).toEqual({ key: 'k2', count: 1 });
  });

  it('gives back copies too old to hand out', () => {
    const pool = poolWith(3, 'k1', []);
    for (const [name, createdAt] of [
      ['old', 10],
      ['new', 50],
    ] as const) {
      pool.fillStarted(copy(name, 'k1', createdAt));
      pool.fillDone(name);
    }
    const taken = pool.take('k1', 20);
    expect(taken.copy?.name).toBe('new');
    expect(taken.discard.map((c) => c.name)).toEqual(['old']);
  });

  it('lets one lease claim each clone in progress, and the claimed clone goes to it whatever happened since', () => {
    const pool = poolWith(2, 'k1', []);
    pool.fillStarted(copy('a', 'k1'));
    expect(pool.claim('k2')).toBeUndefined();
    expect(pool.claim('k1')).toBe('a');
    expect(pool.claim('k1')).toBeUndefined();
    // A claimed clone does not count toward the ready copies to come.
    expect(pool.wanted()).toEqual({ key: 'k1', count: 2 });
    pool.take('k2', 0);
    expect(pool.fillDone('a')).toBe('claimed');
    expect(pool.counts()).toEqual({ ready: 0, filling: 0 });
  });

  it('stops refilling a key whose clone failed, until a lease activates it again', () => {
    const pool = poolWith(2, 'k1', []);
    pool.fillStarted(copy('a', 'k1'));
    expect(pool.claim('k1')).toBe('a');
    expect(pool.fillFailed('a')).toEqual({ claimed: true });
    expect(pool.wanted()).toBeUndefined();
    pool.activate('k1');
    expect(pool.wanted()).toEqual({ key: 'k1', count: 2 });
  });

  it('close() gives back every ready copy; clones ending later are dropped, nothing more is handed out', () => {
    const pool = poolWith(2, 'k1', ['a']);
    pool.fillStarted(copy('b', 'k1'));
    expect(pool.close().map((c) => c.name)).toEqual(['a']);
    expect(pool.fillDone('b')).toBe('drop');
    expect(pool.wanted()).toBeUndefined();
    pool.activate('k1');
    expect(pool.wanted()).toBeUndefined();
    expect(pool.take('k1', 0).copy).toBeUndefined();
    expect(pool.claim('k1')).toBeUndefined();
  });

  it('with size 0 asks for no clones at all', () => {
    const pool = new CopyPool(0);
    pool.take('k1', 0);
    pool.activate('k1');
    expect(pool.wanted()).toBeUndefined();
  });

  it('hands every copy to one lease only, over a seeded random sequence of operations', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pool = new CopyPool(3);
    const keys = ['k1', 'k2', 'k3'];
    const given = new Set<string>();
    const dropped = new Set<string>();
    const filling: PooledCopy[] = [];
    let current = 'k1';
    let n = 0;
    for (let step = 0; step < 5000; step++) {
      const roll = random();
      if (roll < 0.3) {
        const taken = pool.take(current, 0);
        for (const old of taken.discard) {
          expect(old.key === current && old.createdAt >= 0).toBe(false);
          dropped.add(old.name);
        }
        if (taken.copy) {
          expect(taken.copy.key).toBe(current);
          expect(given.has(taken.copy.name)).toBe(false);
          expect(dropped.has(taken.copy.name)).toBe(false);
          given.add(taken.copy.name);
        }
        pool.activate(current);
      } else if (roll < 0.6) {
        const wanted = pool.wanted();
        if (wanted) {
          const made = copy(`c${n++}`, wanted.key);
          pool.fillStarted(made);
          filling.push(made);
        }
      } else if (roll < 0.85 && filling.length > 0) {
        const [made] = filling.splice(Math.floor(random() * filling.length), 1);
        if (random() < 0.1) pool.fillFailed(made!.name);
        else if (pool.fillDone(made!.name) === 'drop') dropped.add(made!.name);
      } else if (roll < 0.9) {
        const claimed = pool.claim(current);
        if (claimed) {
          expect(given.has(claimed)).toBe(false);
          given.add(claimed);
        }
      } else if (roll < 0.95) {
        pool.pause();
        current = keys[Math.floor(random() * keys.length)]!;
      }
    }
    expect(given.size).toBeGreaterThan(100);
  });
});
