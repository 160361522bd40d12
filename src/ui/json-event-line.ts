/**
 * The reading side of `--json` (ui/json-renderer.ts writes it): a line of a
 * devenv event stream back into an event, for whatever consumes the stream
 * (a dashboard, CI, an editor, devenv's own tests). A line that is not JSON,
 * not an object, or not one of devenv's event types is an EVENT_INVALID error
 * naming the stream, the line and the key.
 */
import type { DevenvEvent } from '../app/events.js';
import { DevenvError } from '../core/errors.js';

type EventType = DevenvEvent['type'];

/** Every event type (the compiler checks the list is complete). */
const EVENT_TYPE_SET: Record<EventType, true> = {
  'anonymize.check': true,
  'anonymize.done': true,
  'anonymize.step': true,
  'network.created': true,
  'network.removed': true,
  'volume.created': true,
  'volume.removed': true,
  'container.created': true,
  'container.started': true,
  'container.kept': true,
  'container.stopped': true,
  'container.removed': true,
  'data.cache': true,
  'database.connections.ended': true,
  'database.dumped': true,
  'database.loaded': true,
  'database.progress': true,
  'database.reset': true,
  'database.seeded': true,
  'doctor.check': true,
  'engine.connected': true,
  'engine.reconnected': true,
  error: true,
  'files.changed': true,
  'health.changed': true,
  'image.building': true,
  'image.pulling': true,
  'image.ready': true,
  'image.removed': true,
  info: true,
  'init.done': true,
  'init.file': true,
  'init.git': true,
  log: true,
  plan: true,
  'preview.removed': true,
  'preview.worktree': true,
  'proxy.removed': true,
  'proxy.synced': true,
  'service.failed': true,
  'service.restarted': true,
  'service.ready': true,
  'service.tasks': true,
  'snapshot.removed': true,
  'snapshot.restored': true,
  'snapshot.saved': true,
  'stack.ready': true,
  'stack.removed': true,
  'stack.resolved': true,
  'stack.urls': true,
  'stack.waiting': true,
  'test.database.ready': true,
  'test.file.result': true,
  'test.run.cancelled': true,
  'test.run.error': true,
  'test.run.finished': true,
  'test.run.started': true,
  'test.runner': true,
  timings: true,
  warning: true,
  'watcher.ready': true,
};

export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as EventType[];

/** Where a line came from, for messages: "devenv up --json (stdout):12". */
export interface EventLineSource {
  file: string;
  line: number;
}

/** The longest part of a line quoted in a message. */
const QUOTED = 80;

function invalid(source: EventLineSource, what: string, path?: string): DevenvError {
  const location = { file: source.file, line: source.line, ...(path === undefined ? {} : { path }) };
  return new DevenvError(
    'EVENT_INVALID',
    `${source.file}:${source.line}${path === undefined ? '' : ` ${path}`}: ${what}`,
    {
      location,
      hint: "read only the stdout of a `--json` command: one event per line, each a JSON object with the event's `type` and `time`",
    },
  );
}

/** One line of a `--json` stream as an event; EVENT_INVALID when it is not one. */
export function readEventLine(text: string, source: EventLineSource): DevenvEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const shown = JSON.stringify(text.length > QUOTED ? `${text.slice(0, QUOTED)}…` : text);
    throw invalid(source, `not JSON (${(error as Error).message}): ${shown}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalid(
      source,
      `an event is a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  const record = value as Record<string, unknown>;
  const type = record['type'];
  if (typeof type !== 'string' || !Object.hasOwn(EVENT_TYPE_SET, type)) {
    // Described, not converted: String() of an object whose toString is not a function throws.
    const shown =
      typeof type === 'string'
        ? JSON.stringify(type.slice(0, QUOTED))
        : `(${type === null ? 'null' : Array.isArray(type) ? 'an array' : typeof type})`;
    throw invalid(source, `unknown event type ${shown}`, 'type');
  }
  const time = record['time'];
  if (typeof time !== 'number' || !Number.isFinite(time))
    throw invalid(source, 'must be a time in milliseconds since the epoch', 'time');
  return value as DevenvEvent;
}

/** Every event of a `--json` stream's text, in order; blank lines are skipped. */
export function readEventStream(text: string, file: string): DevenvEvent[] {
  const events: DevenvEvent[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() !== '') events.push(readEventLine(line, { file, line: index + 1 }));
  });
  return events;
}
