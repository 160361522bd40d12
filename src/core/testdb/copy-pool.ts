/**
 * Ready copies of a template database, made ahead of the leases that take
 * them (as IntegreSQL keeps a pool of clones): the bookkeeping only, pure;
 * app/testing/template-database.ts runs the SQL and the background refills.
 *
 * One process's pool serves one template key at a time, the key the latest
 * lease computed from the migration and seed files:
 *
 * - take(key) gives a lease a ready copy of exactly that key's template
 *   (oldest first) or none. Ready copies of any other key (the files changed)
 *   and copies too old to hand out come back with it, to drop.
 * - claim(key): with none ready, a lease may wait for a clone of that key in
 *   progress instead of starting its own; each clone goes to one lease at most.
 * - activate(key): a lease got a copy of key's template, so the template
 *   exists: refill for it. pause() (the files may have changed) stops the
 *   refills until a lease says which key is current; the ready copies stay,
 *   as the key may turn out unchanged.
 * - wanted() is how many clones to start now; fillStarted / fillDone /
 *   fillFailed follow each clone. A clone that ends after its key stopped
 *   being current, or after close(), is to be dropped.
 * - close() hands back every ready copy, to drop; refills stop.
 */

export interface PooledCopy {
  /** The copy's database name (it carries the owner pid, so a crashed process's copies are swept). */
  name: string;
  /** The template key it was cloned from. */
  key: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
}

/** What to do with a finished clone: give it to the lease that claimed it, keep it ready, or drop it. */
export type FillOutcome = 'claimed' | 'ready' | 'drop';

export class CopyPool {
  private key: string | undefined;
  private active = false;
  private closed = false;
  private ready: PooledCopy[] = [];
  private readonly filling = new Map<string, { copy: PooledCopy; claimed: boolean }>();

  /** `size`: the ready copies to keep for the current key (0: none, every lease clones). */
  constructor(readonly size: number) {}

  /**
   * A ready copy of `key` for a lease (removed from the pool), and the ready
   * copies to drop: those of another key, and those created before `notBefore`.
   */
  take(key: string, notBefore: number): { copy: PooledCopy | undefined; discard: PooledCopy[] } {
    if (this.key !== key) {
      this.key = key;
      this.active = false;
    }
    const discard: PooledCopy[] = [];
    const keep: PooledCopy[] = [];
    for (const copy of this.ready)
      (copy.key === key && copy.createdAt >= notBefore ? keep : discard).push(copy);
    const copy = this.closed ? undefined : keep.shift();
    this.ready = keep;
    return { copy, discard };
  }

  /** The name of a clone of `key` in progress that no lease waits for yet (now claimed), or undefined. */
  claim(key: string): string | undefined {
    if (this.closed) return undefined;
    for (const [name, fill] of this.filling) {
      if (fill.copy.key === key && !fill.claimed) {
        fill.claimed = true;
        return name;
      }
    }
    return undefined;
  }

  /** Key's template exists: keep `size` copies of it ready (ignored when a later lease moved to another key). */
  activate(key: string): void {
    if (this.key === key && !this.closed) this.active = true;
  }

  /** The files may have changed: no new clones until a lease computes the key again. */
  pause(): void {
    this.active = false;
  }

  /** The key to clone for and how many clones to start now (count 0: nothing to do). */
  wanted(): { key: string; count: number } | undefined {
    const key = this.key;
    if (this.closed || !this.active || key === undefined) return undefined;
    const ready = this.ready.filter((copy) => copy.key === key).length;
    const coming = [...this.filling.values()].filter((fill) => fill.copy.key === key && !fill.claimed).length;
    const count = Math.max(0, this.size - ready - coming);
    return count > 0 ? { key, count } : undefined;
  }

  fillStarted(copy: PooledCopy): void {
    this.filling.set(copy.name, { copy, claimed: false });
  }

  fillDone(name: string): FillOutcome {
    const fill = this.filling.get(name);
    if (!fill) return 'drop';
    this.filling.delete(name);
    if (fill.claimed) return 'claimed';
    if (this.closed || (this.key !== undefined && fill.copy.key !== this.key)) return 'drop';
    this.ready.push(fill.copy);
    return 'ready';
  }

  /** A clone failed (its template is gone, most likely): no refills for its key until a lease activates it again. */
  fillFailed(name: string): { claimed: boolean } {
    const fill = this.filling.get(name);
    if (!fill) return { claimed: false };
    this.filling.delete(name);
    if (fill.copy.key === this.key) this.active = false;
    return { claimed: fill.claimed };
  }

  /** Every ready copy, to drop; from now on nothing is handed out or refilled. */
  close(): PooledCopy[] {
    this.closed = true;
    this.active = false;
    const ready = this.ready;
    this.ready = [];
    return ready;
  }

  /** Ready copies (of any key) and clones in progress, for tests and benchmarks. */
  counts(): { ready: number; filling: number } {
    return { ready: this.ready.length, filling: this.filling.size };
  }
}
