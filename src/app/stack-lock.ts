/**
 * Changes to a stack (`up`, `down`, gc's removals) run under the stack's lock
 * (contracts/stack-lock.ts), one at a time across devenv processes. A change
 * that finds the lock taken says so (`stack.waiting`, naming the process) and
 * waits; when one process has held it for DEVENV_LOCK_WAIT seconds of the
 * wait (default 600) it gives up with STACK_BUSY. The lock is released on every path, errors and Ctrl-C included.
 */
import { DevenvError } from '../core/errors.js';
import type { LockHolder } from '../contracts/stack-lock.js';
import type { AppContext } from './context.js';

export const DEFAULT_LOCK_WAIT_MS = 600_000;

export function lockWaitMs(env: Record<string, string | undefined>): number {
  const seconds = Number(env['DEVENV_LOCK_WAIT']);
  return env['DEVENV_LOCK_WAIT'] !== undefined && Number.isFinite(seconds) && seconds >= 0
    ? seconds * 1000
    : DEFAULT_LOCK_WAIT_MS;
}

export function stackBusyError(stack: string, holder: LockHolder, waitedMs: number): DevenvError {
  const waited = waitedMs > 0 ? ` devenv waited ${Math.round(waitedMs / 1000)} s for it.` : '';
  return new DevenvError(
    'STACK_BUSY',
    `Stack ${stack} is being changed by another devenv process (pid ${holder.pid} on ${holder.host}, since ${holder.since}).${waited}`,
    {
      hint: `Run the command again when that process has finished, or stop it (\`kill ${holder.pid}\`); a lock left by a process that has ended is taken over automatically. DEVENV_LOCK_WAIT=SECONDS sets how long devenv waits.`,
    },
  );
}

export interface StackLockOptions {
  /** Wait at most this long for another process (default: DEVENV_LOCK_WAIT or 10 min); 0 tries once. */
  waitMs?: number;
}

/** Runs `change` holding the stack's lock; STACK_BUSY when another process holds it longer than the wait. */
export async function withStackLock<T>(
  ctx: AppContext,
  stack: string,
  change: () => Promise<T>,
  options: StackLockOptions = {},
): Promise<T> {
  const waitMs = options.waitMs ?? lockWaitMs(ctx.env);
  const attempt = await ctx.stackLock.acquire(stack, {
    waitMs,
    signal: ctx.signal,
    onWait: (holder) => ctx.emit({ type: 'stack.waiting', stack, ...holder }),
  });
  if (!attempt.acquired) throw stackBusyError(stack, attempt.holder, waitMs);
  try {
    return await change();
  } finally {
    await attempt.release();
  }
}
