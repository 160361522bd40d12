/**
 * The ink dashboard's entry: subscribes to the event stream, renders in the
 * terminal's alternate screen, and sends intents back. Returns a handle to
 * stop it and to wait until it exits.
 */
import { render } from 'ink';
import type { Intent, IntentHandler } from '../../app/intents.js';
import type { EventSubscription } from './event-hub.js';
import { App } from './App.js';
import { createDashboardStore } from './dashboard-store.js';
import { secretMask, type SecretSource } from './secret-mask.js';
import { ThemeProvider } from './theme.js';

export interface DashboardOptions {
  subscribe: EventSubscription;
  onIntent: IntentHandler;
  secrets: SecretSource;
  /** Colours on (NO_COLOR / FORCE_COLOR decided by the caller). */
  color: boolean;
  testsConfigured: boolean;
  watching?: () => boolean;
  ephemeral: boolean;
  environment?: string;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Draw in the alternate screen (and restore the terminal after). Default true. */
  alternateScreen?: boolean;
}

export interface DashboardHandle {
  /** Unmounts, restores the terminal; resolves when ink has exited. */
  stop(): Promise<void>;
  waitUntilExit(): Promise<void>;
}

const ENTER_ALT = '\u001b[?1049h\u001b[2J\u001b[H';
const LEAVE_ALT = '\u001b[?1049l';
const CLEAR = '\u001b[2J\u001b[3J\u001b[H';

export function renderDashboard(options: DashboardOptions): DashboardHandle {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const alternate = options.alternateScreen !== false;
  const store = createDashboardStore({
    mask: secretMask(options.secrets),
    ...(options.environment ? { environment: options.environment } : {}),
  });
  const unsubscribe = options.subscribe((event) => store.push(event));
  const onIntent = (intent: Intent) => {
    options.onIntent(intent).catch((error: unknown) =>
      store.push({
        type: 'error',
        code: 'INTENT_FAILED',
        message: `${intent.type} failed: ${error instanceof Error ? error.message : String(error)}`,
        time: Date.now(),
      }),
    );
  };
  if (alternate) stdout.write(ENTER_ALT);
  const instance = render(
    <ThemeProvider theme={{ color: options.color }}>
      <App
        store={store}
        onIntent={onIntent}
        testsConfigured={options.testsConfigured}
        {...(options.watching ? { watching: options.watching } : {})}
        ephemeral={options.ephemeral}
        interactive={stdin.isTTY === true}
      />
    </ThemeProvider>,
    { stdout, stdin, exitOnCtrlC: false, patchConsole: true, maxFps: 60 },
  );
  // Before ink's own resize handler: a clean screen, so a smaller terminal leaves no stale rows.
  const onResize = () => {
    stdout.write(CLEAR);
    instance.clear();
  };
  stdout.prependListener('resize', onResize);
  const exited = instance.waitUntilExit().then(() => undefined);
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        unsubscribe();
        store.close();
        instance.unmount();
        await exited.catch(() => undefined);
        stdout.off('resize', onResize);
        if (alternate) stdout.write(LEAVE_ALT);
      })();
      return stopped;
    },
    waitUntilExit: () => exited,
  };
}
