import { describe, expect, it } from 'vitest';
import { phaseTimings } from '../../../src/core/timing/phase-timings.js';

describe('phaseTimings', () => {
  it('reads one row per phase, counted from the first event, and only the first test run', () => {
    const rows = phaseTimings([
      { type: 'stack.resolved', time: 1000 },
      { type: 'engine.connected', time: 1030, endpoint: 'unix:///var/run/docker.sock', durationMs: 30 },
      { type: 'image.ready', time: 1900, service: 'app', source: 'built', durationMs: 850 },
      { type: 'data.cache', time: 2100, service: 'postgres', outcome: 'restored', durationMs: 120 },
      { type: 'service.ready', time: 2400, service: 'postgres', durationMs: 300 },
      { type: 'stack.ready', time: 2500, durationMs: 1500 },
      { type: 'test.database.ready', time: 4000, outcome: 'built', durationMs: 1400 },
      { type: 'test.run.finished', time: 5000, durationMs: 900, counts: { passed: 4, failed: 0 } },
      { type: 'test.run.finished', time: 7000, durationMs: 700, counts: { passed: 4, failed: 1 } },
    ]);
    expect(rows.map((r) => [r.phase, r.subject, r.detail, r.durationMs, r.endedAtMs])).toEqual([
      ['engine', 'unix:///var/run/docker.sock', undefined, 30, 30],
      ['image', 'app', 'built', 850, 900],
      ['data-cache', 'postgres', 'restored', 120, 1100],
      ['service', 'postgres', 'ready', 300, 1400],
      ['stack', 'ready', undefined, 1500, 1500],
      ['test-database', 'template', 'built', 1400, 3000],
      ['test-run', 'first run', '4 passed, 0 failed', 900, 4000],
    ]);
  });

  it('counts ends from the start given (the command began before its first event)', () => {
    const rows = phaseTimings([{ type: 'stack.ready', time: 3000, durationMs: 2500 }], 500);
    expect(rows[0]?.endedAtMs).toBe(2500);
  });

  it('has no rows without timed events', () => {
    expect(phaseTimings([])).toEqual([]);
    expect(phaseTimings([{ type: 'info', time: 5 }])).toEqual([]);
  });
});
