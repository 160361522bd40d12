/**
 * How the terminal's rows are shared: fixed panels take what they need (and
 * give some back on a small terminal), the logs pane takes the rest. One row
 * is left free so ink never falls back to clearing the whole screen per frame.
 */
import type { DashboardState } from './dashboard-state.js';
import { taskRows } from './task-rows.js';

/** Narrower terminals get the header on two lines. */
export const HEADER_ONE_LINE = 140;

export interface DashboardLayout {
  width: number;
  /** Rows the dashboard draws. */
  height: number;
  /** Services and tests side by side. */
  wide: boolean;
  headerHeight: number;
  bannerHeight: number;
  servicesHeight: number;
  transfersHeight: number;
  testsHeight: number;
  /** Services + tests block (side by side: the taller of both). */
  middleHeight: number;
  noticeHeight: number;
  /** Logs pane including its title line. */
  logsHeight: number;
}

export const WIDE_COLUMNS = 150;
const MIN_LOG_ROWS = 4;

/** Rows the tests panel would like: a summary, the trigger, failures, history. */
export function testsWanted(state: DashboardState, configured: boolean): number {
  const run = state.tests.current;
  if (!run) return 1;
  const failures = Math.min(run.failures.length, 4) * 2;
  return (configured ? 2 : 1) + failures + (state.tests.history.length > 1 ? 1 : 0);
}

export function computeLayout(
  state: DashboardState,
  size: { columns: number; rows: number },
  options: { testsConfigured: boolean; bannerVisible: boolean },
): DashboardLayout {
  const width = Math.max(20, size.columns);
  const height = Math.max(8, size.rows - 1);
  const wide = width >= WIDE_COLUMNS;
  const banner = options.bannerVisible ? (state.banner?.hint ? 2 : 1) : 0;
  const failed = state.services.filter((row) => row.phase === 'failed').length;
  const tasks = state.services.reduce((sum, row) => sum + taskRows(row).length, 0);
  const servicesHeight = 1 + Math.max(1, state.services.length) + failed + tasks;
  const transfersHeight = Math.min(state.transfers.length, 4);
  const notice = state.notices.length > 0 ? 1 : 0;
  const header = width < HEADER_ONE_LINE ? 2 : 1;
  const fixed = header + banner + transfersHeight + notice + 1; /* status */
  let testsHeight = Math.min(testsWanted(state, options.testsConfigured), wide ? 12 : 8);
  if (wide) testsHeight = Math.max(testsHeight, Math.min(servicesHeight, 12));
  let services = servicesHeight;
  const middle = () => (wide ? Math.max(services, testsHeight) : services + testsHeight);
  // Small terminals: give rows back to the logs pane, tests first, then services' rows.
  while (height - fixed - middle() < MIN_LOG_ROWS + 1 && testsHeight > 1) testsHeight -= 1;
  while (height - fixed - middle() < MIN_LOG_ROWS + 1 && services > 2) services -= 1;
  const middleHeight = middle();
  return {
    width,
    height,
    wide,
    headerHeight: header,
    bannerHeight: banner,
    servicesHeight: wide ? middleHeight : services,
    transfersHeight,
    testsHeight: wide ? middleHeight : testsHeight,
    middleHeight,
    noticeHeight: notice,
    logsHeight: Math.max(2, height - fixed - middleHeight),
  };
}
