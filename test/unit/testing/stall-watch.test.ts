import { describe, expect, it } from 'vitest';
import { StallWatch } from '../../../src/core/testing/stall-watch.js';

describe('stall watch', () => {
  it('stalls after the timeout without progress, naming the files still running', () => {
    const watch = new StallWatch(3000, 1000);
    watch.fileStarted('test/a.test.ts', 1100);
    watch.fileStarted('test/b.test.ts', 1200);
    watch.fileEnded('test/a.test.ts', 1500);
    expect(watch.remainingMs(4000)).toBe(500);
    expect(watch.stalled(4499)).toBe(false);
    expect(watch.stalled(4500)).toBe(true);
    expect(watch.idleMs(4500)).toBe(3000);
    expect(watch.runningFiles()).toEqual(['test/b.test.ts']);
  });

  it('measures from the last progress, not from the start of the run', () => {
    const watch = new StallWatch(3000, 0);
    watch.fileStarted('test/slow.test.ts', 0);
    // A test starts or ends every 2 s: a 10 s run never stalls.
    for (let now = 2000; now <= 10_000; now += 2000) {
      expect(watch.stalled(now)).toBe(false);
      watch.progressed(now);
    }
    expect(watch.remainingMs(10_000)).toBe(3000);
    expect(watch.stalled(13_000)).toBe(true);
  });

  it('stalls with no file named when nothing reached a worker', () => {
    const watch = new StallWatch(1000, 0);
    expect(watch.stalled(1000)).toBe(true);
    expect(watch.runningFiles()).toEqual([]);
  });
});
