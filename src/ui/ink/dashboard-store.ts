/**
 * Between the event stream and React: log lines go straight into the ring
 * buffer, other events queue up, and listeners hear of both at most once per
 * flush interval, so a flood of events costs a few renders a second. While
 * lines flood in (more than FLOOD_LINES in one interval), new lines alone
 * repaint at the slower floodFlushMs: nobody reads 10,000 lines a second,
 * and every frame ink draws costs the key presses waiting behind it. Any
 * other event still shows within flushMs.
 */
import type { DevenvEvent } from '../../app/events.js';
import { reduceEvents, type ReduceContext } from './dashboard-reducer.js';
import { initialDashboardState, type DashboardState } from './dashboard-state.js';
import { LogBuffer } from './log-buffer.js';
import { terminalSafe } from './terminal-text.js';

export interface DashboardSnapshot {
  state: DashboardState;
  /** Lines ever pushed into the log buffer when this snapshot was taken. */
  logVersion: number;
}

export interface DashboardStore {
  push(event: DevenvEvent): void;
  /** Applies what is queued and notifies now (tests; the timer does it otherwise). */
  flush(): void;
  subscribe(listener: () => void): () => void;
  getSnapshot(): DashboardSnapshot;
  readonly logs: LogBuffer;
  close(): void;
}

export interface DashboardStoreOptions {
  mask: ReduceContext;
  environment?: string;
  flushMs?: number;
  /** How often new log lines alone repaint during a flood. */
  floodFlushMs?: number;
  logCapacity?: number;
}

export const DEFAULT_FLUSH_MS = 80;
export const DEFAULT_FLOOD_FLUSH_MS = 250;
/** Lines within one flush interval that make it a flood. */
const FLOOD_LINES = 100;

export function createDashboardStore(options: DashboardStoreOptions): DashboardStore {
  const logs = new LogBuffer(options.logCapacity);
  const flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
  const floodFlushMs = Math.max(flushMs, options.floodFlushMs ?? DEFAULT_FLOOD_FLUSH_MS);
  const listeners = new Set<() => void>();
  let queue: DevenvEvent[] = [];
  let snapshot: DashboardSnapshot = {
    state: initialDashboardState(options.environment),
    logVersion: 0,
  };
  let timer: NodeJS.Timeout | undefined;
  let dueAt = 0;
  let closed = false;
  /** Lines pushed since the last flush, and whether the last interval was a flood. */
  let linesSinceFlush = 0;
  let flooding = false;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    flooding = linesSinceFlush > FLOOD_LINES;
    linesSinceFlush = 0;
    const events = queue;
    queue = [];
    const state = events.length ? reduceEvents(snapshot.state, events, options.mask) : snapshot.state;
    if (state === snapshot.state && logs.pushed === snapshot.logVersion) return;
    snapshot = { state, logVersion: logs.pushed };
    for (const listener of listeners) listener();
  };
  const schedule = (delayMs: number) => {
    if (closed) return;
    const due = Date.now() + delayMs;
    if (timer && dueAt <= due) return;
    if (timer) clearTimeout(timer);
    dueAt = due;
    timer = setTimeout(flush, delayMs);
  };

  return {
    logs,
    push(event) {
      if (event.type === 'log') {
        // Sanitize before masking (escape codes could split a secret), bound the length after.
        const clean = terminalSafe(event.line, Number.POSITIVE_INFINITY);
        logs.push(event.service, event.stream, terminalSafe(options.mask.maskText(clean)));
        linesSinceFlush += 1;
        if (linesSinceFlush > FLOOD_LINES) flooding = true;
        // A log line is evidence of a working engine (it may clear a banner): one per flush is enough.
        if (snapshot.state.banner && !queue.some((queued) => queued.type === 'log')) {
          queue.push(event);
          schedule(flushMs);
        } else {
          schedule(flooding ? floodFlushMs : flushMs);
        }
      } else {
        queue.push(event);
        schedule(flushMs);
      }
    },
    flush,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getSnapshot: () => snapshot,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
