/** Events and states for the dashboard's tests: typed builders, a fixed clock, a secret mask. */
import type { DevenvEvent } from '../../src/app/events.js';
import { reduceEvents } from '../../src/ui/ink/dashboard-reducer.js';
import { initialDashboardState, type DashboardState } from '../../src/ui/ink/dashboard-state.js';
import { secretMask } from '../../src/ui/ink/secret-mask.js';

export const T0 = Date.UTC(2026, 0, 2, 3, 4, 5);

type Body = DevenvEvent extends infer E ? (E extends DevenvEvent ? Omit<E, 'time'> : never) : never;

/** An event at T0 + `at` ms. */
export function ev(body: Body, at = 0): DevenvEvent {
  return { ...body, time: T0 + at } as DevenvEvent;
}

export const SECRET = 's3cr3t-value';
export const mask = secretMask({ values: () => [SECRET], names: ['STRIPE_KEY'] });

export const port = (hostPort: number, containerPort: number) => ({
  containerPort,
  protocol: 'tcp' as const,
  hostIp: '127.0.0.1',
  hostPort,
});

export const resolved = ev({
  type: 'stack.resolved',
  stack: 'shop-main-alice-3f2a1c',
  project: 'shop',
  branch: 'main',
  owner: 'alice',
  environment: 'dev',
  services: ['app', 'postgres', 'redis'],
  endpoint: 'unix:///var/run/docker.sock',
});

/** The example stack up and ready: app built, postgres and redis local. */
export const readyStack: DevenvEvent[] = [
  resolved,
  ev({
    type: 'image.ready',
    service: 'app',
    image: 'devenv-shop-main-alice-3f2a1c-app:latest',
    source: 'built',
    durationMs: 900,
  }),
  ev({ type: 'image.ready', service: 'postgres', image: 'postgres:15', source: 'local', durationMs: 1 }),
  ev({ type: 'image.ready', service: 'redis', image: 'redis:7', source: 'local', durationMs: 1 }),
  ev({ type: 'container.started', service: 'postgres', container: 'shop-postgres-1' }, 1000),
  ev({ type: 'container.started', service: 'redis', container: 'shop-redis-1' }, 1000),
  ev(
    {
      type: 'service.ready',
      service: 'postgres',
      durationMs: 1200,
      ports: [port(49153, 5432)],
      probe: 'postgres',
    },
    2200,
  ),
  ev(
    {
      type: 'service.ready',
      service: 'redis',
      durationMs: 300,
      ports: [port(49154, 6379)],
      probe: 'redis PING',
    },
    1300,
  ),
  ev({ type: 'container.started', service: 'app', container: 'shop-app-1' }, 2300),
  ev(
    { type: 'service.ready', service: 'app', durationMs: 400, ports: [port(49155, 8080)], probe: 'tcp' },
    2700,
  ),
  ev(
    {
      type: 'stack.ready',
      stack: 'shop-main-alice-3f2a1c',
      durationMs: 2700,
      env: {
        DATABASE_URL: 'postgresql://user:pass@127.0.0.1:49153/myapp_dev',
        POSTGRES_PASSWORD: 'pass',
        STRIPE_KEY: 'sk_live_visible',
        API_ENDPOINT: `https://x/${SECRET}`,
        REDIS_URL: 'redis://127.0.0.1:49154',
      },
    },
    2800,
  ),
];

export function stateOf(events: readonly DevenvEvent[], from: DashboardState = initialDashboardState()) {
  return reduceEvents(from, events, mask);
}

/** Polls (not sleeps) until the predicate holds for the last frame, or fails with the frame. */
export async function frameMatching(
  lastFrame: () => string | undefined,
  predicate: (frame: string) => boolean,
): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const frame = lastFrame() ?? '';
    if (predicate(frame)) return frame;
    await new Promise((resolve) => setImmediate(resolve));
    if (i > 50) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no frame matched; last frame:\n${lastFrame() ?? ''}`);
}
