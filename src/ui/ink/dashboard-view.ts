/**
 * The dashboard as an attached `up`'s view: events in (render), intents out.
 * Loads ink and React on first use, as React's production build: the
 * development one costs several times the CPU and memory. NODE_ENV is set for
 * the import alone and restored at once: it is the user's, and compose files
 * may interpolate it.
 */
import type { AttachedView } from '../../app/attached-up.js';
import type { DevenvEvent } from '../../app/events.js';
import type { SecretSource } from './secret-mask.js';

export interface DashboardViewOptions {
  secrets: SecretSource;
  color: boolean;
  testsConfigured: boolean;
  ephemeral: boolean;
}

export interface DashboardView extends AttachedView {
  /** Every event of the stream goes here. */
  render(event: DevenvEvent): void;
}

export async function loadDashboardView(options: DashboardViewOptions): Promise<DashboardView> {
  const { eventHub } = await import('./event-hub.js');
  const nodeEnv = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  const { renderDashboard } = await import('./render-dashboard.js').finally(() => {
    if (nodeEnv === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = nodeEnv;
  });
  const hub = eventHub();
  let handle: ReturnType<typeof renderDashboard> | undefined;
  return {
    holdsOnFailure: true,
    render: (event) => hub.emit(event),
    open({ onIntent, watching }) {
      handle = renderDashboard({
        subscribe: hub.subscribe,
        onIntent,
        secrets: options.secrets,
        color: options.color,
        testsConfigured: options.testsConfigured,
        watching,
        ephemeral: options.ephemeral,
      });
    },
    async close() {
      await handle?.stop();
    },
  };
}
