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

  /** Events from the cursor up to and including the first that matches; moves the cursor past it. */
  async until(match: (event: Event) => boolean): Promise<Event[]> {
    for (;;) {
      const index = this.events.findIndex((event, i) => i >= this.cursor && match(event));
      if (index !== -1) {
        const slice = this.events.slice(this.cursor, index + 1);
        this.cursor = index + 1;
        return slice;
      }
      if (this.ended)
        throw new Error(
          `devenv ended; events so far:\n${this.events.map((e) => JSON.stringify(e)).join('\n')}`,
        );
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
