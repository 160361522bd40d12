/**
 * Between the event stream and React: log lines go straight into the ring
 * buffer, other events queue up, and listeners hear of both at most once per
 * flush interval, so a flood of events costs a few renders a second.
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
  logCapacity?: number;
}

export const DEFAULT_FLUSH_MS = 80;

export function createDashboardStore(options: DashboardStoreOptions): DashboardStore {
  const logs = new LogBuffer(options.logCapacity);
  const flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
  const listeners = new Set<() => void>();
  let queue: DevenvEvent[] = [];
  let snapshot: DashboardSnapshot = {
    state: initialDashboardState(options.environment),
    logVersion: 0,
  };
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const events = queue;
    queue = [];
    const state = events.length ? reduceEvents(snapshot.state, events, options.mask) : snapshot.state;
    if (state === snapshot.state && logs.pushed === snapshot.logVersion) return;
    snapshot = { state, logVersion: logs.pushed };
    for (const listener of listeners) listener();
  };
  const schedule = () => {
    if (!timer && !closed) timer = setTimeout(flush, flushMs);
  };

  return {
    logs,
    push(event) {
      if (event.type === 'log') {
        // Sanitize before masking (escape codes could split a secret), bound the length after.
        const clean = terminalSafe(event.line, Number.POSITIVE_INFINITY);
        logs.push(event.service, event.stream, terminalSafe(options.mask.maskText(clean)));
        // A log line is evidence of a working engine (it may clear a banner): one per flush is enough.
        if (snapshot.state.banner && !queue.some((queued) => queued.type === 'log')) queue.push(event);
      } else {
        queue.push(event);
      }
      schedule();
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
