import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDashboardStore } from '../../src/ui/ink/dashboard-store.js';
import { SECRET, ev, mask, readyStack } from './fixtures.js';

describe('dashboard store', () => {
  it('batches a flood of events into one notification per flush, with a bounded log', () => {
    const store = createDashboardStore({ mask, flushMs: 60_000, logCapacity: 1000 });
    let notified = 0;
    store.subscribe(() => (notified += 1));
    for (const event of readyStack) store.push(event);
    for (let i = 0; i < 10_000; i++)
      store.push(ev({ type: 'log', service: 'app', stream: 'stdout', line: `line ${i}` }));
    expect(notified).toBe(0);
    expect(store.getSnapshot().state.services).toEqual([]);
    store.flush();
    expect(notified).toBe(1);
    expect(store.getSnapshot()).toMatchObject({ logVersion: 10_000 });
    expect(store.getSnapshot().state.services.map((s) => s.phase)).toEqual(['ready', 'ready', 'ready']);
    expect(store.logs.size).toBe(1000);
    expect(store.logs.window({}, 1).lines[0]?.text).toBe('line 9999');
    store.flush();
    expect(notified).toBe(1);
    store.close();
  });

  describe('during a flood of lines', () => {
    afterEach(() => void vi.useRealTimers());
    const lines = (store: ReturnType<typeof createDashboardStore>, count: number) => {
      for (let i = 0; i < count; i++)
        store.push(ev({ type: 'log', service: 'app', stream: 'stdout', line: `line ${i}` }));
    };

    it('repaints new lines at the flood pace, and any other event at the normal pace', () => {
      vi.useFakeTimers();
      const store = createDashboardStore({ mask, flushMs: 80, floodFlushMs: 250 });
      let notified = 0;
      store.subscribe(() => (notified += 1));
      lines(store, 5);
      vi.advanceTimersByTime(80);
      expect(notified).toBe(1); // a trickle: the normal pace
      lines(store, 500);
      vi.advanceTimersByTime(80);
      expect(notified).toBe(2); // the flood is noticed within this interval; its lines show now
      lines(store, 500);
      vi.advanceTimersByTime(200);
      expect(notified).toBe(2); // flooding: lines alone wait for the slower pace
      vi.advanceTimersByTime(50);
      expect(notified).toBe(3);
      lines(store, 500);
      vi.advanceTimersByTime(10);
      store.push(readyStack[0]!);
      vi.advanceTimersByTime(80);
      expect(notified).toBe(4); // a service event does not wait for the flood pace
      expect(store.getSnapshot().state.services).not.toHaveLength(0);
      lines(store, 3);
      vi.advanceTimersByTime(250);
      expect(notified).toBe(5);
      lines(store, 3);
      vi.advanceTimersByTime(80);
      expect(notified).toBe(6); // the flood is over: back to the normal pace
      store.close();
    });
  });

  it('masks secrets in log lines before keeping them, even when escape codes split them', () => {
    const store = createDashboardStore({ mask, flushMs: 60_000 });
    store.push(
      ev({
        type: 'log',
        service: 'app',
        stream: 'stdout',
        line: `password=${SECRET.slice(0, 4)}\u001b[1m${SECRET.slice(4)} url=postgres://u:pw@h/db`,
      }),
    );
    expect(store.logs.window({}, 1).lines[0]?.text).toBe('password=**** url=postgres://u:****@h/db');
    store.close();
  });
});
