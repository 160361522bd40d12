/** The `devenv db` events (app/database) in words, for the plain output. */
import type { DevenvEvent } from '../app/events.js';
import { describeConnections } from '../core/data/database-swap.js';

type DatabaseEvent = Extract<
  DevenvEvent,
  {
    type:
      | 'database.connections.ended'
      | 'database.progress'
      | 'database.seeded'
      | 'database.reset'
      | 'database.dumped'
      | 'database.loaded';
  }
>;

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GB`;
}

function took(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The rate, for a transfer big enough that it says something about the transfer. */
function rate(bytes: number, ms: number): string {
  return ms > 0 && bytes >= 1024 * 1024 ? `, ${formatBytes((bytes * 1000) / ms)}/s` : '';
}

export function formatDatabaseEvent(event: DatabaseEvent): string {
  switch (event.type) {
    case 'database.connections.ended':
      return `ended ${describeConnections(event.applications)} to database ${event.database} so it could be replaced; they can connect again now`;
    case 'database.progress':
      return `${event.action}: ${formatBytes(event.bytes)}${event.totalBytes ? ` of ${formatBytes(event.totalBytes)}` : ''} so far`;
    case 'database.seeded':
      return `database ${event.database} of stack ${event.stack} seeded (${event.files ? `${event.files.join(', ')}` : `\`${event.command ?? ''}\``}) in ${took(event.durationMs)}`;
    case 'database.reset': {
      const from =
        event.source === 'template'
          ? 'a copy of the migrate-once template'
          : event.seeded
            ? 'an empty database, seeded'
            : 'an empty database';
      return `database ${event.database} of stack ${event.stack} reset to ${from} in ${took(event.durationMs)}`;
    }
    case 'database.dumped':
      return `database ${event.database} of stack ${event.stack} dumped to ${event.file} (${event.format}, ${formatBytes(event.bytes)}) in ${took(event.durationMs)}${rate(event.bytes, event.durationMs)}`;
    case 'database.loaded': {
      const stamp = event.stamp
        ? `anonymized ${event.stamp.anonymizedAt}, rules ${event.stamp.rulesSha256.slice(0, 12)}`
        : event.unchecked === 'prod'
          ? 'anonymization stamp not checked: prod'
          : 'anonymization stamp not checked: --i-know-this-is-not-production-data';
      return `${event.file} (${event.format}, ${formatBytes(event.bytes)}; ${stamp}) loaded into database ${event.database} of stack ${event.stack} in ${took(event.durationMs)}${rate(event.bytes, event.durationMs)}`;
    }
  }
}
