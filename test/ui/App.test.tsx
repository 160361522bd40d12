import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { Intent } from '../../src/app/intents.js';
import { App } from '../../src/ui/ink/App.js';
import { createDashboardStore, type DashboardStore } from '../../src/ui/ink/dashboard-store.js';
import { ThemeProvider } from '../../src/ui/ink/theme.js';
import { SECRET, T0, ev, frameMatching, mask, readyStack } from './fixtures.js';

let mounted: ReturnType<typeof render> | undefined;
afterEach(() => mounted?.unmount());

function mount(size = { columns: 100, rows: 30 }, testsConfigured = false) {
  const store = createDashboardStore({ mask, flushMs: 60_000 });
  const intents: Intent[] = [];
  mounted = render(
    <ThemeProvider theme={{ color: false }}>
      <App
        store={store}
        onIntent={(i) => intents.push(i)}
        testsConfigured={testsConfigured}
        ephemeral={false}
        size={size}
        now={() => T0 + 10_000}
      />
    </ThemeProvider>,
  );
  return { store, intents, instance: mounted };
}

function feed(store: DashboardStore, events = readyStack) {
  for (const event of events) store.push(event);
  store.push(ev({ type: 'log', service: 'app', stream: 'stdout', line: 'app listening on 8080' }));
  store.push(ev({ type: 'log', service: 'postgres', stream: 'stderr', line: `password is ${SECRET}` }));
  store.flush();
}

const press = async (instance: ReturnType<typeof render>, keys: string) => {
  for (const key of keys) {
    instance.stdin.write(key);
    await new Promise((resolve) => setImmediate(resolve));
  }
};

describe('App', () => {
  it('renders header, services, tests, logs and keys from the event stream; secrets masked', async () => {
    const { store, instance } = mount();
    feed(store);
    const frame = await frameMatching(instance.lastFrame, (f) => f.includes('password is'));
    expect(frame).toContain('branch main');
    expect(frame).toMatch(/postgres +postgres:15 +running +✔ ready 1\.2s +127\.0\.0\.1:49153 -> 5432/);
    expect(frame).toContain('tests: not configured');
    expect(frame).toContain('app      | app listening on 8080');
    expect(frame).toContain('postgres | password is ****');
    expect(frame).not.toContain(SECRET);
    expect(frame).toContain('q quit');
    expect(frame.split('\n').length).toBeLessThanOrEqual(29);
  });

  it('turns keys into intents for the selected service', async () => {
    const { store, intents, instance } = mount();
    feed(store);
    await frameMatching(instance.lastFrame, (f) => f.includes('› app'));
    await press(instance, 'jrjbtfw');
    await frameMatching(instance.lastFrame, (f) => f.includes('› redis'));
    expect(intents).toEqual([
      { type: 'service.restart', service: 'postgres' },
      { type: 'service.rebuild', service: 'redis' },
      { type: 'tests.runAll' },
      { type: 'tests.rerunFailed' },
      { type: 'watch.toggle' },
    ]);
  });

  it('shows one service’s logs, the env overlay masked, help, and asks before down', async () => {
    const { store, intents, instance } = mount();
    feed(store);
    await press(instance, 'jl');
    let frame = await frameMatching(instance.lastFrame, (f) => f.includes('logs: postgres'));
    expect(frame).not.toContain('app listening');
    await press(instance, 'e');
    frame = await frameMatching(instance.lastFrame, (f) => f.includes('Host environment'));
    expect(frame).toContain('POSTGRES_PASSWORD=****');
    expect(frame).not.toContain(':pass@');
    await press(instance, 'x?');
    await frameMatching(instance.lastFrame, (f) => f.includes('Keys'));
    await press(instance, 'xd');
    await frameMatching(instance.lastFrame, (f) => f.includes('Remove stack shop-main-alice-3f2a1c'));
    await press(instance, 'y');
    await frameMatching(instance.lastFrame, (f) => f.includes('removing the stack and its volumes'));
    expect(intents).toEqual([{ type: 'stack.down' }]);
  });

  it('searches the logs with /', async () => {
    const { store, instance } = mount();
    feed(store);
    await press(instance, '/listen');
    await frameMatching(instance.lastFrame, (f) => f.includes('/listen'));
    await press(instance, '\r');
    const frame = await frameMatching(instance.lastFrame, (f) => f.includes('search "listen" (1 lines)'));
    expect(frame).not.toContain('password is');
  });

  it('shows an error as a banner with what to do, and x dismisses it', async () => {
    const { store, instance } = mount();
    feed(store, [
      ...readyStack,
      ev({
        type: 'error',
        code: 'ENGINE_UNREACHABLE',
        message: 'No Docker engine answers.',
        hint: 'Start Docker.',
      }),
    ]);
    await frameMatching(
      instance.lastFrame,
      (f) => f.includes('✖ No Docker engine answers.') && f.includes('→ Start Docker.'),
    );
    await press(instance, 'x');
    await frameMatching(instance.lastFrame, (f) => !f.includes('No Docker engine answers.'));
  });

  it('quits with q and says the stack keeps running', async () => {
    const { store, intents, instance } = mount();
    feed(store);
    await press(instance, 'q');
    await frameMatching(instance.lastFrame, (f) => f.includes('the stack keeps running'));
    expect(intents).toEqual([{ type: 'quit' }]);
  });

  it('fits 80x24', async () => {
    const { store, instance } = mount({ columns: 80, rows: 24 });
    feed(store);
    const frame = await frameMatching(instance.lastFrame, (f) => f.includes('password is'));
    const lines = frame.split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(frame).toContain('127.0.0.1:49153 -> 5432');
  });
});
