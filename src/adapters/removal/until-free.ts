/**
 * A removal the engine refuses while something still uses the object (a network or volume
 * whose containers are going), retried until it succeeds or the time is up; then the
 * engine's own error. Used by the container and the Swarm stack backends.
 */
const POLL_MS = 250;

export interface UntilFreeOptions {
  /** How long to keep trying (default a minute: an engine that never frees it must not hang `down`). */
  waitMs?: number;
  /** Run after each refusal, before the next try (e.g. remove what came late and holds the object). */
  between?: () => Promise<void>;
}

export async function untilFree(remove: () => Promise<void>, options: UntilFreeOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  for (;;) {
    try {
      return await remove();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await options.between?.();
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
