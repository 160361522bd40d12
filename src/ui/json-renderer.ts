/** --json: one JSON object per event and line, secrets masked. */
import type { DevenvEvent } from '../app/events.js';
import { redactEnv, redactKnownValues } from '../core/redact.js';

export function jsonRenderer(
  write: (line: string) => void,
  secrets: () => readonly string[],
): (event: DevenvEvent) => void {
  return (event) => {
    let safe: DevenvEvent = event;
    if (event.type === 'log') safe = { ...event, line: redactKnownValues(event.line, secrets()) };
    else if (event.type === 'stack.ready')
      safe = {
        ...event,
        env: Object.fromEntries(
          Object.entries(redactEnv(event.env)).map(([key, value]) => [
            key,
            redactKnownValues(value, secrets()),
          ]),
        ),
      };
    else if (event.type === 'test.run.error')
      safe = { ...event, message: redactKnownValues(event.message, secrets()) };
    else if (event.type === 'service.failed')
      safe = { ...event, logTail: event.logTail.map((l) => redactKnownValues(l, secrets())) };
    write(JSON.stringify(safe));
  };
}
