/**
 * The phases of getting a stack (and its first test run) going, read from a
 * command's events: what `--timings` prints and the onboarding bench records.
 * Each phase says how long it took and when it ended, counted from the
 * command's start.
 */

/** The events phases are read from (a structural subset of app/events.ts's DevenvEvent). */
export type TimedEvent =
  | { type: 'engine.connected'; time: number; endpoint: string; durationMs: number }
  | { type: 'image.ready'; time: number; service: string; source: string; durationMs: number }
  | { type: 'data.cache'; time: number; service: string; outcome: string; durationMs: number }
  | { type: 'service.ready'; time: number; service: string; durationMs: number }
  | { type: 'stack.ready'; time: number; durationMs: number }
  | { type: 'test.database.ready'; time: number; outcome: string; durationMs: number }
  | {
      type: 'test.run.finished';
      time: number;
      durationMs: number;
      counts: { passed: number; failed: number };
    }
  | { type: string; time: number };

export interface PhaseTiming {
  /** engine, image, data-cache, service, stack, test-database, test-run */
  phase: string;
  /** What it was about: a service, an endpoint, "first run". */
  subject: string;
  /** How it went: built/pulled/local, restored/built/skipped, passed/failed counts. */
  detail?: string;
  durationMs: number;
  /** When it ended, from the first event. */
  endedAtMs: number;
}

function has<K extends string>(event: TimedEvent, key: K): event is TimedEvent & Record<K, unknown> {
  return key in event;
}

/**
 * One row per phase, in the order they ended; only the first test run counts as "first run".
 * Ends are counted from `start` (the command's start), else from the first event.
 */
export function phaseTimings(events: readonly TimedEvent[], start = events[0]?.time ?? 0): PhaseTiming[] {
  const rows: PhaseTiming[] = [];
  let sawRun = false;
  for (const event of events) {
    const at = event.time - start;
    const row = (phase: string, subject: string, durationMs: number, detail?: string) =>
      rows.push({ phase, subject, durationMs, endedAtMs: at, ...(detail !== undefined ? { detail } : {}) });
    if (!has(event, 'durationMs') || typeof event.durationMs !== 'number') continue;
    const ms = event.durationMs;
    const text = (key: string) => {
      const value = (event as Record<string, unknown>)[key];
      return typeof value === 'string' ? value : '';
    };
    switch (event.type) {
      case 'engine.connected':
        row('engine', text('endpoint'), ms);
        break;
      case 'image.ready':
        row('image', text('service'), ms, text('source'));
        break;
      case 'data.cache':
        row('data-cache', text('service'), ms, text('outcome'));
        break;
      case 'service.ready':
        row('service', text('service'), ms, 'ready');
        break;
      case 'stack.ready':
        row('stack', 'ready', ms);
        break;
      case 'test.database.ready':
        row('test-database', 'template', ms, text('outcome'));
        break;
      case 'test.run.finished': {
        if (sawRun) break;
        sawRun = true;
        const counts = (event as { counts?: { passed?: number; failed?: number } }).counts ?? {};
        row('test-run', 'first run', ms, `${counts.passed ?? 0} passed, ${counts.failed ?? 0} failed`);
        break;
      }
    }
  }
  return rows;
}
