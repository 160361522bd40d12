/** One event stream, many listeners: what the dashboard subscribes to. */
import type { DevenvEvent } from '../../app/events.js';

export type EventListener = (event: DevenvEvent) => void;
export type EventSubscription = (listener: EventListener) => () => void;

export interface EventHub {
  emit: EventListener;
  subscribe: EventSubscription;
}

export function eventHub(): EventHub {
  const listeners = new Set<EventListener>();
  return {
    emit(event) {
      for (const listener of listeners) listener(event);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
