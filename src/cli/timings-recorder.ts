/**
 * `--timings`: records the command's events and, when asked, sends a
 * `timings` event (the phases so far) through the same renderer.
 */
import type { DevenvEvent } from '../app/events.js';
import { phaseTimings, type TimedEvent } from '../core/timing/phase-timings.js';

export interface TimingsRecorder {
  render: (event: DevenvEvent) => void;
  /** Sends the phases so far as a `timings` event. */
  flush(): void;
}

/** Wraps render; with `flushOn`, flushes right after that event type (up: stack.ready). */
export function timingsRecorder(
  render: (event: DevenvEvent) => void,
  now: () => number,
  flushOn?: DevenvEvent['type'],
): TimingsRecorder {
  const seen: TimedEvent[] = [];
  const start = now();
  const flush = () => render({ type: 'timings', phases: phaseTimings(seen, start), time: now() });
  return {
    render: (event) => {
      seen.push(event);
      render(event);
      if (event.type === flushOn) flush();
    },
    flush,
  };
}
