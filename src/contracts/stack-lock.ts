/**
 * One change to a stack at a time, across devenv processes on this machine:
 * `up` and `down` hold a stack's lock while they change it (observe, build,
 * create, remove), so two of them never both create the same network. A lock
 * dies with its owner: one left by a process that has ended is taken over.
 */

/** The devenv process holding a stack's lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** When it took the lock (ISO time). */
  since: string;
}

export interface AcquireOptions {
  /** How long to wait while one live process holds the lock before giving up (per holder: a queue that moves is waited out); 0 tries once. */
  waitMs: number;
  /** Aborting ends the wait with an INTERRUPTED DevenvError. */
  signal?: AbortSignal;
  /** Told once, when another live process holds the lock and this one starts waiting. */
  onWait?: (holder: LockHolder) => void;
}

export type LockAttempt =
  { acquired: true; release: () => Promise<void> } | { acquired: false; holder: LockHolder };

export interface StackLock {
  acquire(stack: string, options: AcquireOptions): Promise<LockAttempt>;
}
