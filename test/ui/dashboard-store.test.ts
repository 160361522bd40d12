import { describe, expect, it } from 'vitest';
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
