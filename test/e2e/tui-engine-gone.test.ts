/**
 * The dashboard when the Docker engine goes away and comes back, in a real
 * terminal (tmux). devenv reaches the engine through a unix-socket proxy this
 * test controls (DOCKER_HOST); "the engine goes away" is the proxy closing its
 * socket and cutting every open connection, log-follow streams included. The
 * real engine keeps running for the other tests.
 *
 * The steps share one dashboard and run in order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { dockerSocketProxy } from '../support/docker-socket-proxy.js';
import { docker, reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';
import { EXITED, tmuxServer } from '../support/tmux-dashboard.js';

const prefix = runPrefix();
const terminal = tmuxServer(`devenv-e2e-${prefix}`);
const proxy = dockerSocketProxy(`/tmp/devenv-e2e-${prefix}.sock`);
const branch = `${prefix}-gone`;
const session = branch;
let project: TempProject | undefined;

afterAll(async () => {
  await terminal.kill();
  await proxy.stop();
  await reapBranchPrefix(prefix);
  await project?.remove();
});

const compose = `
services:
  cache:
    image: \${REDIS_IMAGE:-redis:7}
    ports:
      - "6379:6379"
  queue:
    image: \${REDIS_IMAGE:-redis:7}
    ports:
      - "6379:6379"
`;

const serviceLine = (text: string, service: string) =>
  text.split('\n').find((line) => new RegExp(`^[› ] ${service} `).test(line)) ?? '';
const readyCount = (text: string) => (text.match(/✔ ready \d/g) ?? []).length;
const banner = `✖ The Docker engine at ${proxy.dockerHost} does not answer`;
const hint = '→ Start the engine';
/** A line of a JavaScript stack trace ("    at fn (file.js:1:2)"). */
const stackFrame = /^\s*at \S.*:\d+:\d+\)?\s*$/m;

async function containerOf(service: string) {
  const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
  const container = containers.find((c) => c.Labels['dev.devenv.service'] === service);
  if (!container) throw new Error(`no ${service} container`);
  return docker.getContainer(container.Id).inspect();
}

describe('terminal UI when the engine goes away (tmux, engine behind a proxy)', () => {
  it('shows the engine-unreachable banner with what to do, keeps running, and reconnects when the engine is back', async () => {
    project = await tempProject({ 'compose.yaml': compose }, 'dvg-');
    await proxy.start();
    await terminal.start({
      session,
      dir: project.dir,
      args: ['up', '--branch', branch, '--no-watch'],
      size: { columns: 120, rows: 40 },
      env: { DOCKER_HOST: proxy.dockerHost },
    });
    let text = await terminal.waitForScreen(
      session,
      (t) => readyCount(t) === 2 && t.includes('Ready to accept connections'),
      'two ready services',
      { timeoutMs: 60_000 },
    );
    // devenv talks to the engine through the proxy, and follows both services' logs through it.
    expect(text).toContain(`engine ${proxy.dockerHost}`);
    expect(proxy.accepted).toBeGreaterThan(0);
    expect(proxy.open).toBeGreaterThanOrEqual(2);

    await proxy.stop();
    text = await terminal.waitForScreen(
      session,
      (t) => t.includes(banner) && t.includes(hint),
      'the engine-unreachable banner',
      { timeoutMs: 30_000 },
    );
    expect(text).not.toContain(EXITED);
    expect(text).not.toMatch(stackFrame);
    expect(serviceLine(text, 'cache')).not.toBe('');
    expect(serviceLine(text, 'queue')).not.toBe('');

    // Keys still work without an engine.
    await terminal.sendKeys(session, '?');
    await terminal.waitForScreen(
      session,
      (t) => t.includes('Keys') && t.includes(banner),
      'the help overlay',
      {
        timeoutMs: 10_000,
      },
    );
    await terminal.sendKeys(session, 'Escape');
    await terminal.waitForScreen(session, (t) => t.includes('─ logs:'), 'the logs pane again', {
      timeoutMs: 10_000,
    });
    // A few of the session's retries (every 2 s) fail: it is still there, with the banner, and nothing else.
    await sleep(5000);
    text = await terminal.screen(session);
    expect(text).toContain(banner);
    expect(text).not.toContain(EXITED);
    expect(text).not.toMatch(stackFrame);

    await proxy.start();
    text = await terminal.waitForScreen(
      session,
      (t) => /note engine answers again; following (cache|queue)/.test(t),
      'devenv noticing the engine is back',
      { timeoutMs: 30_000 },
    );
    expect(text).not.toContain(EXITED);
  }, 120_000);

  // The session says `engine.reconnected` when the engine answers again: evidence enough to clear the
  // banner, even when the services log nothing after the reconnect (idle Redis here).
  it('clears the banner once the engine answers again', async () => {
    await terminal.waitForScreen(session, (t) => !t.includes(banner), 'the banner cleared', {
      timeoutMs: 15_000,
    });
  }, 30_000);

  it('works through the engine again: j/k select, r restarts the selected service, q quits', async () => {
    await terminal.sendKeys(session, 'j');
    await terminal.waitForScreen(session, (t) => serviceLine(t, 'queue').startsWith('›'), 'queue selected', {
      timeoutMs: 10_000,
    });
    await terminal.sendKeys(session, 'k');
    await terminal.waitForScreen(session, (t) => serviceLine(t, 'cache').startsWith('›'), 'cache selected', {
      timeoutMs: 10_000,
    });
    await terminal.sendKeys(session, 'j');
    await terminal.waitForScreen(session, (t) => serviceLine(t, 'queue').startsWith('›'), 'queue selected', {
      timeoutMs: 10_000,
    });

    const before = await containerOf('queue');
    await terminal.sendKeys(session, 'r');
    let text = await terminal.waitForScreen(
      session,
      (t) => /✔ ready .* 1\s*$/.test(serviceLine(t, 'queue')),
      'queue ready again with one restart',
      { timeoutMs: 60_000 },
    );
    const after = await containerOf('queue');
    expect(after.Id).toBe(before.Id);
    expect(after.State.StartedAt).not.toBe(before.State.StartedAt);
    expect(serviceLine(text, 'cache')).toMatch(/ 0\s*$/);
    // The restart is evidence of a working engine: no banner now, whatever happened before.
    expect(text).not.toContain(banner);
    expect(text).not.toMatch(stackFrame);

    await terminal.sendKeys(session, 'q');
    text = await terminal.waitForScreen(session, (t) => t.includes(EXITED), 'devenv exiting', {
      timeoutMs: 30_000,
    });
    expect(text).toContain(`${EXITED} 0`);
    expect(text).toContain(`keeps running; stop it with \`devenv down --branch ${branch}\``);
    expect((await devenv(project!.dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
  }, 90_000);
});
