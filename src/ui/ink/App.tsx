/**
 * The dashboard: reads the store (throttled snapshots of the event stream),
 * lays the panels out for the terminal's size, and turns keys into view
 * changes and intents.
 */
import { Box, useInput } from 'ink';
import { useCallback, useRef, useState, useSyncExternalStore } from 'react';
import type { Intent } from '../../app/intents.js';
import { ConfirmDialog } from './components/ConfirmDialog.js';
import { EnvOverlay } from './components/EnvOverlay.js';
import { ErrorBanner } from './components/ErrorBanner.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { LogsPane } from './components/LogsPane.js';
import { NoticeLine } from './components/NoticeLine.js';
import { ProgressBars } from './components/ProgressBars.js';
import { ServicesTable } from './components/ServicesTable.js';
import { StatusLine } from './components/StatusLine.js';
import { TestsPanel } from './components/TestsPanel.js';
import { isBusy } from './dashboard-reducer.js';
import type { DashboardStore } from './dashboard-store.js';
import { nextUptimeChange } from './uptime-clock.js';
import { handleKey, initialView, type KeyPress, type ViewState } from './keymap.js';
import { computeLayout } from './layout.js';
import { useTerminalSize, type TerminalSize } from './use-terminal-size.js';
import { useTicker } from './use-ticker.js';

export interface AppProps {
  store: DashboardStore;
  onIntent: (intent: Intent) => void;
  testsConfigured: boolean;
  /** Whether watch mode is on, when a test controller says so. */
  watching?: () => boolean;
  ephemeral: boolean;
  /** Fixed size (tests); else the terminal's. */
  size?: TerminalSize;
  now?: () => number;
  /** Answer keys (off when stdin is not a TTY). */
  interactive?: boolean;
}

const systemNow = () => Date.now();
/** Idle with nothing whose uptime shows. */
const QUIET_TICK_MS = 60_000;

export function App(props: AppProps) {
  const { store, onIntent, testsConfigured, ephemeral } = props;
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { state } = snapshot;
  const size = useTerminalSize(props.size);
  const busy = isBusy(state);
  // Spinners turn while something moves; otherwise a frame only when a shown uptime changes (idle CPU stays near zero).
  const clock = props.now ?? systemNow;
  const uptimes = state.services.flatMap((row) =>
    (row.phase === 'ready' || row.phase === 'starting') && row.startedAt !== undefined ? [row.startedAt] : [],
  );
  const idleMs = nextUptimeChange(uptimes, clock()) ?? QUIET_TICK_MS;
  const { now, frame } = useTicker(busy ? 120 : idleMs, clock);
  const [view, setView] = useState<ViewState>(initialView);
  const viewRef = useRef(view);

  const services = state.services.map((row) => row.name);
  const bannerVisible = state.banner !== undefined && state.banner.time !== view.dismissedBanner;
  const layout = computeLayout(state, size, { testsConfigured, bannerVisible });
  const selected = Math.min(view.selected, Math.max(0, services.length - 1));

  const onKey = useCallback(
    (input: string, key: KeyPress) => {
      const result = handleKey(viewRef.current, input, key, {
        services: store.getSnapshot().state.services.map((row) => row.name),
        page: Math.max(1, layout.logsHeight - 2),
        ...(store.getSnapshot().state.banner ? { banner: store.getSnapshot().state.banner!.time } : {}),
      });
      viewRef.current = result.view;
      setView(result.view);
      if (result.intent) onIntent(result.intent);
    },
    [store, onIntent, layout.logsHeight],
  );
  useInput(onKey, { isActive: props.interactive !== false });

  const watching = props.watching ? props.watching() : state.watching;
  const leftWidth = layout.wide ? Math.floor(layout.width * 0.6) : layout.width;
  const rightWidth = layout.width - leftWidth - 1;
  const servicesTable = (
    <ServicesTable
      services={state.services}
      transfers={state.transfers}
      {...(state.stack ? { stack: state.stack } : {})}
      selected={selected}
      now={now}
      frame={frame}
      width={leftWidth}
      height={layout.servicesHeight}
    />
  );
  const testsPanel = (
    <TestsPanel
      tests={state.tests}
      configured={testsConfigured}
      now={now}
      frame={frame}
      width={layout.wide ? rightWidth : layout.width}
      height={layout.testsHeight}
    />
  );
  let main;
  if (view.overlay === 'help') main = <HelpOverlay width={layout.width} height={layout.logsHeight} />;
  else if (view.overlay === 'env')
    main = (
      <EnvOverlay
        {...(state.env ? { env: state.env } : {})}
        width={layout.width}
        height={layout.logsHeight}
      />
    );
  else if (view.overlay === 'confirm-down')
    main = <ConfirmDialog {...(state.stack ? { stack: state.stack } : {})} width={layout.width} />;
  else
    main = (
      <LogsPane
        logs={store.logs}
        version={snapshot.logVersion}
        services={services}
        {...(view.logService !== undefined ? { service: view.logService } : {})}
        search={view.search}
        scroll={view.scroll}
        width={layout.width}
        height={layout.logsHeight}
      />
    );
  const latest = state.notices[state.notices.length - 1];
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      <Header state={state} watching={watching} width={layout.width} />
      {bannerVisible && state.banner ? <ErrorBanner banner={state.banner} width={layout.width} /> : null}
      {layout.wide ? (
        <Box flexDirection="row" height={layout.middleHeight}>
          {servicesTable}
          <Box width={1} />
          {testsPanel}
        </Box>
      ) : (
        <>
          {servicesTable}
          {testsPanel}
        </>
      )}
      <ProgressBars
        transfers={state.transfers}
        frame={frame}
        width={layout.width}
        height={layout.transfersHeight}
      />
      {latest ? <NoticeLine notice={latest} width={layout.width} /> : null}
      <Box height={layout.logsHeight} flexDirection="column">
        {main}
      </Box>
      <StatusLine view={view} width={layout.width} ephemeral={ephemeral} />
    </Box>
  );
}
