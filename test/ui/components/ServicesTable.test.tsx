import { describe, expect, it } from 'vitest';
import { ServicesTable } from '../../../src/ui/ink/components/ServicesTable.js';
import { T0, ev, readyStack, resolved, stateOf } from '../fixtures.js';
import { frameOf } from './render.js';

function table(events: Parameters<typeof stateOf>[0], selected = 0, width = 100) {
  const state = stateOf(events);
  return frameOf(
    <ServicesTable
      services={state.services}
      transfers={state.transfers}
      stack={state.stack!}
      selected={selected}
      now={T0 + 65_000}
      frame={0}
      width={width}
      height={10}
    />,
  );
}

describe('ServicesTable', () => {
  it('shows ready services with build state, time to ready, ports, uptime and restarts', () => {
    expect(table(readyStack, 1).split('\n')).toEqual([
      '  SERVICE  IMAGE                           STATE    HEALTH       PORTS                   UPTIME RST',
      '  app      built ✔ app:latest              running  ✔ ready 0.4s 127.0.0.1:49155 -> 8080 1m     0',
      '› postgres postgres:15                     running  ✔ ready 1.2s 127.0.0.1:49153 -> 5432 1m     0',
      '  redis    redis:7                         running  ✔ ready 0.3s 127.0.0.1:49154 -> 6379 1m     0',
    ]);
  });

  it('shows a spinner and the health while starting, and a pull in progress', () => {
    const frame = table([
      resolved,
      ev({
        type: 'image.pulling',
        service: 'redis',
        image: 'redis:7',
        progress: { id: 'a', status: 'Downloading' },
      }),
      ev({ type: 'container.started', service: 'postgres', container: 'p' }),
      ev({ type: 'health.changed', service: 'postgres', health: 'probing', detail: 'postgres accepts' }),
    ]);
    expect(frame).toMatch(/postgres +… +starting +⠋ probing +- +1m +0/);
    expect(frame).toMatch(/redis +pulling redis:7 +pulling +⠋ starting/);
    expect(frame).toMatch(/app +… +waiting +·/);
  });

  it('shows image references whole, never a local stand-in as if it were the official image', () => {
    const frame = table([
      resolved,
      ev({
        type: 'image.ready',
        service: 'postgres',
        image: 'devenv-test/postgres:15',
        source: 'local',
        durationMs: 1,
      }),
      ev({
        type: 'image.ready',
        service: 'redis',
        image: 'registry.example.com:5000/team/redis:7',
        source: 'local',
        durationMs: 1,
      }),
    ]);
    expect(frame).toMatch(/postgres +devenv-test\/postgres:15 /);
    expect(frame).toMatch(/redis +team\/redis:7 /);
  });

  it('makes a failed service stand out with its reason and last log line', () => {
    const frame = table([
      ...readyStack,
      ev({
        type: 'service.failed',
        service: 'app',
        reason: 'its container exited with code 1',
        logTail: ['Error: boom'],
      }),
    ]);
    expect(frame).toMatch(/› app +built ✔ app:latest +FAILED +✖ failed +127\.0\.0\.1:49155 -> 8080 +- +0/);
    expect(frame).toContain('    ↳ its container exited with code 1 — Error: boom');
  });

  it('counts restarts and resets the uptime', () => {
    const frame = table([
      ...readyStack,
      ev({ type: 'container.started', service: 'redis', container: 'r' }, 60_000),
      ev({ type: 'service.ready', service: 'redis', durationMs: 200, ports: [], probe: 'redis' }, 60_200),
    ]);
    expect(frame).toMatch(/redis +redis:7 +running +✔ ready 0\.2s +- +5s +1/);
  });

  it("shows the engine's restarts of a crashing service and how its last run ended", () => {
    const frame = table([
      ...readyStack,
      ev({ type: 'service.restarted', service: 'redis', restartCount: 2, reason: 'exited with code 3' }),
    ]);
    expect(frame).toMatch(/redis +redis:7 +running .* 2\n/);
    expect(frame).toContain('    ↻ restarted 2×, last run exited with code 3');
  });

  it('shows a shared image by its content tag (hash shortened), and a stack reference by its service', () => {
    const shared = table([
      resolved,
      ev({
        type: 'image.ready',
        service: 'app',
        image: 'devenv/shop-app:0123456789abcdef',
        source: 'local',
        durationMs: 1,
      }),
    ]);
    expect(shared).toMatch(/app +build shop-app:01234567 /);
    const built = table([
      resolved,
      ev({
        type: 'image.ready',
        service: 'app',
        image: 'devenv/shop-main-alice-3f2a1c/app:latest',
        source: 'built',
        durationMs: 1,
      }),
    ]);
    expect(built).toMatch(/app +built ✔ app:latest /);
  });

  it('fits 80 columns with the ports whole', () => {
    const lines = table(readyStack, 0, 80).split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(lines[2]).toContain('127.0.0.1:49153 -> 5432');
  });
});

describe('ServicesTable with the proxy', () => {
  it("shows a routed service's stable URL under its row", () => {
    const url = 'http://app.main.alice.shop.localhost:8780/';
    const lines = table([
      ...readyStack,
      ev({ type: 'stack.urls', stack: 'shop-main-alice-3f2a1c', urls: [{ service: 'app', url }] }),
    ]).split('\n');
    expect(lines[1]).toMatch(/^› app /);
    expect(lines[2]).toBe(`    ↳ ${url}`);
    expect(lines[3]).toMatch(/^ {2}postgres/);
    expect(lines.join('\n')).not.toMatch(/postgres.*localhost:8780/);
  });
});
