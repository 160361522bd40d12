import { describe, expect, it } from 'vitest';
import { formatUptime } from '../../src/ui/ink/units.js';
import { nextUptimeChange } from '../../src/ui/ink/uptime-clock.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;

describe('uptime on the dashboard', () => {
  it('shows seconds in the first minute, then minutes, hours, days', () => {
    expect([0, 42 * s, 59.9 * s, m, 5 * m + 59 * s, 3 * h + 4 * m, 50 * h].map(formatUptime)).toEqual([
      '0s',
      '42s',
      '59s',
      '1m',
      '5m',
      '3h04m',
      '2d02h',
    ]);
  });

  it('redraws every 10 s in the first minute, then when the shown minute (or hour) changes', () => {
    const now = 10 * h;
    expect(nextUptimeChange([], now)).toBeUndefined();
    expect(nextUptimeChange([now - 10 * s], now)).toBe(10 * s);
    expect(nextUptimeChange([now - 58 * s], now)).toBe(2 * s);
    expect(nextUptimeChange([now - (5 * m + 20 * s)], now)).toBe(40 * s);
    expect(nextUptimeChange([now - (26 * h + 30 * m)], now)).toBe(30 * m);
    // The soonest of several services; never a busy loop.
    expect(nextUptimeChange([now - (5 * m + 20 * s), now - (2 * m + 50 * s)], now)).toBe(10 * s);
    expect(nextUptimeChange([now - (2 * m - 1)], now)).toBe(50);
    // The shown value does change at that moment.
    const started = now - (5 * m + 20 * s);
    const wait = nextUptimeChange([started], now) as number;
    expect(formatUptime(now + wait - 1 - started)).toBe('5m');
    expect(formatUptime(now + wait - started)).toBe('6m');
  });
});
