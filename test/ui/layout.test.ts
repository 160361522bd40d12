import { describe, expect, it } from 'vitest';
import { computeLayout } from '../../src/ui/ink/layout.js';
import { stateOf, readyStack } from './fixtures.js';

describe('layout', () => {
  const state = stateOf(readyStack);
  const options = { testsConfigured: false, bannerVisible: false };

  it('fits 80x24 with room for logs, one row spare', () => {
    const layout = computeLayout(state, { columns: 80, rows: 24 }, options);
    expect(layout).toMatchObject({
      width: 80,
      height: 23,
      wide: false,
      headerHeight: 2,
      servicesHeight: 4,
      testsHeight: 1,
    });
    expect(
      layout.headerHeight +
        layout.servicesHeight +
        layout.testsHeight +
        layout.noticeHeight +
        layout.logsHeight +
        1,
    ).toBe(23);
    expect(layout.logsHeight).toBeGreaterThanOrEqual(10);
  });

  it('puts services and tests side by side on a large terminal and gives logs the rest', () => {
    const layout = computeLayout(state, { columns: 200, rows: 60 }, options);
    expect(layout).toMatchObject({ wide: true, headerHeight: 1 });
    expect(layout.logsHeight).toBe(60 - 1 - 1 - layout.middleHeight - 1);
  });

  it('gives rows back to the logs pane on a tiny terminal', () => {
    const layout = computeLayout(
      state,
      { columns: 60, rows: 12 },
      { testsConfigured: true, bannerVisible: true },
    );
    expect(layout.logsHeight).toBeGreaterThanOrEqual(2);
  });
});
