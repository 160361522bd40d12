/** The JSON event lines of a running devenv (`--json`), awaited in order. */
import type { ResultPromise } from 'execa';
import type { DevenvEvent } from '../../src/app/events.js';

type Event = DevenvEvent;

export class EventLog {
  readonly events: Event[] = [];
  private cursor = 0;
  private buffer = '';
  private wake: (() => void) | undefined;
  private ended = false;

  constructor(child: ResultPromise) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.buffer += chunk.toString('utf8');
      let newline;
      while ((newline = this.buffer.indexOf('\n')) !== -1) {
        const line = this.buffer.slice(0, newline).trim();
        this.buffer = this.buffer.slice(newline + 1);
        if (line.startsWith('{')) this.events.push(JSON.parse(line) as Event);
      }
      this.wake?.();
    });
    child.stdout?.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  /**
   * Events from the cursor up to and including the first that matches; moves
   * the cursor past it. Gives up after `withinMs` (under the e2e test timeout)
   * with every event so far, so a run that never ends says what it did.
   */
  async until(match: (event: Event) => boolean, withinMs = 150_000): Promise<Event[]> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const index = this.events.findIndex((event, i) => i >= this.cursor && match(event));
      if (index !== -1) {
        const slice = this.events.slice(this.cursor, index + 1);
        this.cursor = index + 1;
        return slice;
      }
      if (this.ended) throw new Error(`devenv ended; events so far:\n${this.dump()}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no matching event within ${withinMs} ms; events so far:\n${this.dump()}`);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        timer = setTimeout(resolve, left);
      });
      clearTimeout(timer);
    }
  }

  /** Every event so far, one JSON line each (printed when a test fails). */
  dump(): string {
    return this.events.map((e) => JSON.stringify(e)).join('\n');
  }
}
