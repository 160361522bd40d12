/** Durations, sizes, clock times and ports as the dashboard prints them. */
import type { PublishedPort } from '../../contracts/engine.js';

/** 0.4s, 12s, 2m05s */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** 42s, 5m, 3h04m, 2d03h: seconds only in the first minute, as `docker ps` shows it. */
export function formatUptime(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400)
    return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(seconds / 86400)}d${String(Math.floor((seconds % 86400) / 3600)).padStart(2, '0')}h`;
}

/** 512 B, 12.3 kB, 40.1 MB */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** 14:03:07, local time */
export function formatClock(time: number): string {
  const date = new Date(time);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

/** "127.0.0.1:49153 -> 5432", udp marked */
export function formatPortArrows(ports: readonly PublishedPort[]): string {
  return ports
    .map((p) => `${p.hostIp}:${p.hostPort} -> ${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`)
    .join(', ');
}

/** A table cell: `width` columns, the last one a space; longer text is cut with an ellipsis. */
export function fit(text: string, width: number): string {
  if (width <= 1) return ' '.repeat(Math.max(0, width));
  if (text.length > width - 1) return `${text.slice(0, Math.max(0, width - 2))}… `;
  return text.padEnd(width);
}
