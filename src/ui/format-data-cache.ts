/** The `data.cache` event in words, for the plain output and the dashboard's notices. */
import type { DevenvEvent } from '../app/events.js';

type DataCacheEvent = Extract<DevenvEvent, { type: 'data.cache' }>;

export function formatDataCache(event: DataCacheEvent): string {
  const where = event.placement === 'volume' ? 'volume' : "container's filesystem";
  const took = `${(event.durationMs / 1000).toFixed(2)} s`;
  switch (event.outcome) {
    case 'restored':
      return `data directory restored from cache into its ${where} in ${took} (same image, settings and init scripts)`;
    case 'built':
      return `data directory initialized once and cached, then restored into its ${where} (${took})`;
    case 'skipped':
      return `data directory cache not used (${event.reason ?? 'no reason given'}); initializing normally`;
  }
}
