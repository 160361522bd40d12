import { describe, expect, it } from 'vitest';
import { serialQueue } from '../../../src/core/serial-queue.js';

describe('serial queue', () => {
  it('runs work one at a time in order; a failure stays with its caller', async () => {
    const queue = serialQueue();
    const log: string[] = [];
    let release!: () => void;
    const first = queue(async () => {
      log.push('first start');
      await new Promise<void>((resolve) => (release = resolve));
      log.push('first end');
      return 1;
    });
    const failing = queue(async () => {
      log.push('second');
      throw new Error('boom');
    });
    const third = queue(async () => {
      log.push('third');
      return 3;
    });
    await Promise.resolve();
    expect(log).toEqual(['first start']);
    release();
    expect(await first).toBe(1);
    await expect(failing).rejects.toThrow('boom');
    expect(await third).toBe(3);
    expect(log).toEqual(['first start', 'first end', 'second', 'third']);
  });
});
