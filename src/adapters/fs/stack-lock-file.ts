/**
 * StackLock as lock files in devenv's state directory, one per stack:
 * `<dir>/<stack>.lock` holding {pid, host, since, start, token}.
 *
 * - Taking it is atomic and never shows a half-written file: the content is
 *   written to a private temp file first, then hard-linked to the lock's name
 *   (link fails with EEXIST when the lock exists, on local file systems and NFS).
 * - It dies with its owner: a lock whose pid is gone on this host, or whose pid
 *   now belongs to a process started at another time (pid reuse, checked with
 *   /proc/<pid>/stat where there is one), is stale and is taken over.
 * - Taking over is itself serialized by a short-lived `<stack>.lock.break`
 *   file (O_EXCL): under it the lock is read again and removed only when it
 *   is still the very stale file that was judged, so a fresh lock taken
 *   meanwhile by a third process is never removed. A `.break` file older than
 *   a few seconds was left by a process killed while breaking (that takes
 *   milliseconds) and is removed.
 * - The owner releases it by token; on process exit (also process.exit after
 *   a second Ctrl-C) held locks are removed synchronously. Only kill -9 and
 *   power loss leave a file behind, and that one is stale by the rules above.
 * - Within one process, acquires of the same stack queue in memory first
 *   (an attached session's rebuild waits for its own reconcile, not for a file).
 * - The wait is per holder: a waiter gives up when one process has held the
 *   lock for `waitMs` of its wait, not when a queue of processes each holding
 *   it briefly has taken that long in all (ten `down --proxy` at once queue on
 *   the proxy's lock: under load the last ones waited past 10 minutes in all
 *   and failed with STACK_BUSY, leaving their stacks).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LockAttempt, LockHolder, StackLock } from '../../contracts/stack-lock.js';
import { DevenvError } from '../../core/errors.js';
import { processStartTime } from '../host/process-start.js';

interface LockContent extends LockHolder {
  /** The holder's process start time (clock ticks since boot), where the OS tells it. */
  start?: string;
  token: string;
}

export interface FileStackLockOptions {
  /** This process. */
  pid: number;
  host: string;
  isProcessAlive(pid: number): boolean;
  /** How often a waiter looks again. */
  pollMs?: number;
  /** A `.break` file older than this was left by a process that died while breaking a stale lock. */
  breakerStaleMs?: number;
  /** An unreadable lock file older than this is stale (a lock is never written in place, so only damage makes one). */
  unreadableStaleMs?: number;
}

function parse(text: string): LockContent | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.token !== 'string')
      return undefined;
    return {
      pid: value.pid,
      host: value.host,
      since: typeof value.since === 'string' ? value.since : '',
      token: value.token,
      ...(typeof value.start === 'string' ? { start: value.start } : {}),
    };
  } catch {
    return undefined;
  }
}

function code(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (code(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function ageMs(path: string): Promise<number | undefined> {
  try {
    return Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

export function fileStackLock(dir: string, self: FileStackLockOptions): StackLock {
  const pollMs = self.pollMs ?? 100;
  const breakerStaleMs = self.breakerStaleMs ?? 10_000;
  const unreadableStaleMs = self.unreadableStaleMs ?? 10_000;
  const ownStart = processStartTime(self.pid);
  /** Lock files this process holds, by path -> token, removed on exit. */
  const held = new Map<string, string>();
  /** In-process queue per stack. */
  const local = new Map<string, Promise<void>>();
  let exitHook = false;

  const lockPath = (stack: string) => join(dir, `${encodeURIComponent(stack)}.lock`);

  const isStale = (holder: LockContent): boolean => {
    if (holder.host !== self.host) return false; // another machine's process: cannot tell, so it is live
    // This pid: live when written by this very process (another handle on the same directory).
    if (holder.pid === self.pid) return holder.start !== ownStart;
    if (!self.isProcessAlive(holder.pid)) return true;
    const start = holder.start === undefined ? undefined : processStartTime(holder.pid);
    return start !== undefined && start !== holder.start;
  };

  /** Removes the lock at `path` if it still is exactly `seen` (a stale one); serialized by the .break file. */
  const breakStale = async (path: string, seen: string): Promise<void> => {
    const breaker = `${path}.break`;
    let handle;
    try {
      handle = await open(breaker, 'wx', 0o600);
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
      const age = await ageMs(breaker);
      if (age !== undefined && age > breakerStaleMs) await unlink(breaker).catch(() => undefined);
      return;
    }
    try {
      await handle.writeFile(String(self.pid));
      await handle.close();
      if ((await readText(path)) === seen) await unlink(path).catch(() => undefined);
    } finally {
      await unlink(breaker).catch(() => undefined);
    }
  };

  const releaseFile = async (path: string, token: string): Promise<void> => {
    held.delete(path);
    const current = parse((await readText(path).catch(() => undefined)) ?? '');
    if (current?.token === token) await unlink(path).catch(() => undefined);
  };

  const onExit = () => {
    for (const [path, token] of held) {
      try {
        if (parse(readFileSync(path, 'utf8'))?.token === token) unlinkSync(path);
      } catch {
        // gone already
      }
    }
  };

  const acquireFile = async (
    stack: string,
    options: Parameters<StackLock['acquire']>[1],
  ): Promise<LockAttempt> => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = lockPath(stack);
    const token = `${self.pid}-${randomBytes(6).toString('hex')}`;
    const content: LockContent = {
      pid: self.pid,
      host: self.host,
      since: new Date().toISOString(),
      token,
      ...(ownStart !== undefined ? { start: ownStart } : {}),
    };
    const temp = `${path}.${token}.tmp`;
    await writeFile(temp, JSON.stringify(content), { mode: 0o600 });
    /** The holder being waited for (its token), and since when. */
    let waitingFor: { token: string; since: number } | undefined;
    let told = false;
    try {
      for (;;) {
        if (options.signal?.aborted) throw interrupted(stack);
        try {
          await link(temp, path);
          held.set(path, token);
          if (!exitHook) {
            exitHook = true;
            process.on('exit', onExit);
          }
          return { acquired: true, release: () => releaseFile(path, token) };
        } catch (error) {
          if (code(error) !== 'EEXIST') throw error;
        }
        const seen = await readText(path);
        if (seen === undefined) continue; // released in between: try again at once
        const holder = parse(seen);
        if (holder === undefined) {
          const age = await ageMs(path);
          if (age !== undefined && age > unreadableStaleMs) {
            await breakStale(path, seen);
            continue;
          }
        } else if (isStale(holder)) {
          await breakStale(path, seen);
          continue;
        } else {
          const shown: LockHolder = { pid: holder.pid, host: holder.host, since: holder.since };
          if (waitingFor?.token !== holder.token) waitingFor = { token: holder.token, since: Date.now() };
          if (Date.now() - waitingFor.since >= options.waitMs) return { acquired: false, holder: shown };
          if (!told) {
            told = true;
            options.onWait?.(shown);
          }
        }
        try {
          await sleep(pollMs, undefined, options.signal ? { signal: options.signal } : {});
        } catch {
          throw interrupted(stack);
        }
      }
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  };

  return {
    async acquire(stack, options) {
      // Same process first: wait for this process's own holder of the stack, in memory.
      const before = local.get(stack) ?? Promise.resolve();
      let done!: () => void;
      const mine = new Promise<void>((resolve) => (done = resolve));
      const tail = before.then(() => mine);
      local.set(stack, tail);
      const forget = () => {
        done();
        if (local.get(stack) === tail) local.delete(stack);
      };
      try {
        await (options.signal
          ? Promise.race([
              before,
              new Promise<never>((_, reject) => {
                if (options.signal!.aborted) reject(interrupted(stack));
                options.signal!.addEventListener('abort', () => reject(interrupted(stack)), { once: true });
              }),
            ])
          : before);
        const attempt = await acquireFile(stack, options);
        if (!attempt.acquired) {
          forget();
          return attempt;
        }
        return {
          acquired: true,
          release: async () => {
            try {
              await attempt.release();
            } finally {
              forget();
            }
          },
        };
      } catch (error) {
        forget();
        throw error;
      }
    },
  };
}

function interrupted(stack: string): DevenvError {
  return new DevenvError('INTERRUPTED', `Interrupted while waiting to change stack ${stack}.`);
}
