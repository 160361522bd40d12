/** `devenv db snapshot`'s lines: its events and the `ls` table. */
import type { SnapshotEvent } from '../app/snapshot/snapshot-events.js';
import type { SnapshotInfo } from '../core/snapshot/snapshot-names.js';
import { formatBytes } from './ink/units.js';

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function snapshotEventLine(event: SnapshotEvent): string {
  switch (event.type) {
    case 'snapshot.saved':
      return `snapshot ${event.snapshot} ${event.replaced ? 'replaced' : 'saved'}: database ${event.database}, ${formatBytes(event.sizeBytes)} (${duration(event.durationMs)})`;
    case 'snapshot.restored':
      return `snapshot ${event.snapshot} restored into database ${event.database} in ${duration(event.durationMs)} (${event.via === 'ready-copy' ? 'its ready copy renamed into place' : 'cloned: no ready copy yet'})`;
    case 'snapshot.removed':
      return `snapshot ${event.snapshot} removed`;
  }
}

/** "2026-11-26 13:47" in UTC, or '-' when unknown. */
function created(iso: string): string {
  return iso === '' ? '-' : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function snapshotTable(stack: string, snapshots: readonly SnapshotInfo[]): string[] {
  if (snapshots.length === 0)
    return [`No snapshots in stack ${stack}: take one with \`devenv db snapshot save NAME\`.`];
  const rows = [
    ['NAME', 'DATABASE', 'SIZE', 'CREATED'],
    ...snapshots.map((s) => [s.name, s.database, formatBytes(s.sizeBytes), created(s.createdAt)]),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
  );
}
