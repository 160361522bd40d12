/**
 * Whether the engine is still there, as an attached session asks after a
 * service's log stream ended. An engine that is shut down (systemctl restart
 * docker, a reboot) first stops every container, each within its stop grace
 * period, and answers until then: a service that exited in that moment was
 * stopped by the engine, not crashed. So an exit is judged only after the
 * engine was seen alive for a while longer (the stack's longest grace period
 * and a margin), or gone.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { StackBackend } from '../contracts/stack-backend.js';
import type { Clock } from './context.js';

export interface PresenceOptions {
  /** How long the engine must keep answering for an exit to be the service's own. */
  settleMs: number;
  /** How often to ask. */
  pollMs?: number;
  signal: AbortSignal;
  clock: Clock;
}

/** 'gone' as soon as the engine stops answering within settleMs; 'present' if it answered throughout. */
export async function engineStaysPresent(
  engine: Pick<StackBackend, 'info'>,
  options: PresenceOptions,
): Promise<'present' | 'gone' | 'aborted'> {
  const pollMs = options.pollMs ?? 250;
  const deadline = options.clock.now() + options.settleMs;
  for (;;) {
    if (options.signal.aborted) return 'aborted';
    try {
      await engine.info();
    } catch {
      return 'gone';
    }
    if (options.clock.now() >= deadline) return 'present';
    await sleep(pollMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

/** Resolves true once the engine answers again, false if the signal aborts first. */
export async function engineBack(
  engine: Pick<StackBackend, 'info'>,
  options: { retryMs: number; signal: AbortSignal },
): Promise<boolean> {
  while (!options.signal.aborted) {
    await sleep(options.retryMs, undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal.aborted) return false;
    try {
      await engine.info();
      return true;
    } catch {
      // still gone
    }
  }
  return false;
}
