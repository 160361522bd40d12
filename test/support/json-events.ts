/** The JSON event lines of a finished devenv command's output (`--json`), in order. */
import type { DevenvEvent } from '../../src/app/events.js';

export function jsonEvents(stdout: string): DevenvEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as DevenvEvent);
}
