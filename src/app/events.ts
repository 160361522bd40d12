/**
 * Every step of devenv is a typed event on one stream. The plain, JSON and
 * ink renderers all read this stream and nothing else.
 */
import type { ComposeWarning } from '../core/compose/model.js';
import type { HealthState, ProgressUpdate, PublishedPort } from '../contracts/engine.js';

interface EventBase {
  /** Milliseconds since the epoch, from the injected clock. */
  time: number;
}

export type DevenvEvent = EventBase &
  (
    | {
        type: 'stack.resolved';
        stack: string;
        project: string;
        branch: string;
        owner: string;
        services: string[];
        endpoint: string;
      }
    | { type: 'warning'; warning: ComposeWarning }
    | { type: 'plan'; steps: string[] }
    | { type: 'image.pulling'; service: string; image: string; progress: ProgressUpdate }
    | { type: 'image.building'; service: string; image: string; progress: ProgressUpdate }
    | {
        type: 'image.ready';
        service: string;
        image: string;
        source: 'local' | 'pulled' | 'built';
        durationMs: number;
      }
    | { type: 'network.created'; network: string }
    | { type: 'network.removed'; network: string }
    | { type: 'volume.created'; volume: string }
    | { type: 'volume.removed'; volume: string }
    | { type: 'container.created'; service: string; container: string }
    | { type: 'container.started'; service: string; container: string }
    | { type: 'container.kept'; service: string; container: string }
    | { type: 'container.stopped'; service: string; container: string }
    | { type: 'container.removed'; service: string; container: string }
    | { type: 'health.changed'; service: string; health: HealthState | 'probing'; detail?: string }
    | { type: 'service.ready'; service: string; durationMs: number; ports: PublishedPort[]; probe: string }
    | { type: 'service.failed'; service: string; reason: string; logTail: string[] }
    | { type: 'stack.ready'; stack: string; durationMs: number; env: Record<string, string> }
    | {
        type: 'stack.removed';
        stack: string;
        durationMs: number;
        containers: number;
        networks: number;
        volumes: number;
      }
    | { type: 'log'; service: string; stream: 'stdout' | 'stderr'; line: string }
    | { type: 'info'; message: string }
  );

export type DevenvEventType = DevenvEvent['type'];

/** Distributes each event to all listeners of the stream. */
export interface EventSink {
  emit(event: DevenvEvent): void;
}

/** What a use-case uses to emit: fills in the time. */
export type Emit = (event: DistributiveOmit<DevenvEvent, 'time'>) => void;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
