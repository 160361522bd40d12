/**
 * When a test run has stalled: no progress (a file queued or ended, a test
 * started or ended) for the stall timeout. Measured from the last progress,
 * not from the run's start, so a long run that keeps moving never stalls.
 * Pure: the caller passes the time (its clock) and sets its own timer.
 */
export class StallWatch {
  private lastProgressAt: number;
  /** Files sent to a worker that have not ended, in the order they started. */
  private readonly running = new Set<string>();

  constructor(
    readonly timeoutMs: number,
    now: number,
  ) {
    this.lastProgressAt = now;
  }

  /** A file went to a worker. */
  fileStarted(file: string, now: number): void {
    this.running.add(file);
    this.lastProgressAt = now;
  }

  /** A file ended (with a result or without one). */
  fileEnded(file: string, now: number): void {
    this.running.delete(file);
    this.lastProgressAt = now;
  }

  /** A test started or ended. */
  progressed(now: number): void {
    this.lastProgressAt = now;
  }

  /** Milliseconds until the run counts as stalled; 0 once it is. */
  remainingMs(now: number): number {
    return Math.max(0, this.lastProgressAt + this.timeoutMs - now);
  }

  stalled(now: number): boolean {
    return this.remainingMs(now) === 0;
  }

  /** How long the run has made no progress. */
  idleMs(now: number): number {
    return Math.max(0, now - this.lastProgressAt);
  }

  /** The files in flight (what a stall names). */
  runningFiles(): string[] {
    return [...this.running];
  }
}
