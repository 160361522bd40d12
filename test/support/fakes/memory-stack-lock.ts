/** An in-memory StackLock for app-level unit tests: `holdAs` plays another devenv process holding a stack. */
import type { LockAttempt, LockHolder, StackLock } from '../../../src/contracts/stack-lock.js';
import { DevenvError } from '../../../src/core/errors.js';

export interface MemoryStackLock extends StackLock {
  /** Who holds each stack now ('self' for this process). */
  holders: Map<string, LockHolder | 'self'>;
  /** Another process takes the stack; the returned function releases it. */
  holdAs(stack: string, holder: LockHolder): () => void;
  /** Every acquire and release, in order: "acquire s", "release s", "busy s". */
  log: string[];
}

export function memoryStackLock(): MemoryStackLock {
  const holders = new Map<string, LockHolder | 'self'>();
  const waiters = new Set<() => void>();
  const log: string[] = [];
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  const lock: MemoryStackLock = {
    holders,
    log,
    holdAs(stack, holder) {
      holders.set(stack, holder);
      return () => {
        holders.delete(stack);
        wake();
      };
    },
    async acquire(stack, options): Promise<LockAttempt> {
      const started = Date.now();
      let told = false;
      for (;;) {
        if (options.signal?.aborted) throw new DevenvError('INTERRUPTED', 'Interrupted.');
        const holder = holders.get(stack);
        if (holder === undefined) {
          holders.set(stack, 'self');
          log.push(`acquire ${stack}`);
          return {
            acquired: true,
            release: async () => {
              holders.delete(stack);
              log.push(`release ${stack}`);
              wake();
            },
          };
        }
        const shown: LockHolder = holder === 'self' ? { pid: process.pid, host: 'this', since: '' } : holder;
        const left = options.waitMs - (Date.now() - started);
        if (left <= 0) {
          log.push(`busy ${stack}`);
          return { acquired: false, holder: shown };
        }
        if (!told) {
          told = true;
          options.onWait?.(shown);
        }
        await new Promise<void>((resolve) => {
          const done = () => {
            waiters.delete(done);
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(done, left);
          waiters.add(done);
          options.signal?.addEventListener('abort', done, { once: true });
        });
      }
    },
  };
  return lock;
}
