/**
 * The lock file adapter on a real directory: the wait is per holder. A waiter
 * behind a queue that moves (one holder after another, each within the wait)
 * gets the lock however long the queue took in all; one process holding it
 * past the wait still ends it with that holder named.
 */
import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fileStackLock } from '../../../src/adapters/fs/stack-lock-file.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'devenv-lock-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The lock as another live process on this host writes it (atomically, as the adapter does). */
async function holdAs(pid: number): Promise<void> {
  const temp = join(dir, `other-${pid}.tmp`);
  await writeFile(temp, JSON.stringify({ pid, host: 'here', since: `t${pid}`, token: `token-${pid}` }));
  await rename(temp, join(dir, 'shop-main.lock'));
}

const lock = () => fileStackLock(dir, { pid: 1, host: 'here', isProcessAlive: () => true, pollMs: 20 });

describe('file stack lock: the wait is per holder', () => {
  it('a queue of holders each within the wait, longer than it in all: the waiter gets the lock', async () => {
    await holdAs(1001);
    const waiting = lock().acquire('shop-main', { waitMs: 1_000 });
    // Each holder keeps it 600 ms; the waiter waits 1,800 ms in all.
    await sleep(600);
    await holdAs(1002);
    await sleep(600);
    await holdAs(1003);
    await sleep(600);
    await unlink(join(dir, 'shop-main.lock'));
    const attempt = await waiting;
    expect(attempt.acquired).toBe(true);
    if (attempt.acquired) await attempt.release();
  });

  it('one holder past the wait: STACK_BUSY material, that holder named', async () => {
    await holdAs(1001);
    const waiting = lock().acquire('shop-main', { waitMs: 300 });
    await sleep(150);
    await holdAs(1002);
    const attempt = await waiting;
    expect(attempt).toEqual({ acquired: false, holder: { pid: 1002, host: 'here', since: 't1002' } });
  });
});
