/**
 * The ink dashboard in a real terminal: tmux runs `devenv up` on a copy of
 * the example project; the test reads the screen (capture-pane) and presses
 * keys as a user would, and checks the engine independently.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { docker, reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { exampleProject, type TempProject } from '../support/projects.js';
import { EXITED, tmuxServer, type TerminalSize } from '../support/tmux-dashboard.js';

const prefix = runPrefix();
const terminal = tmuxServer(`devenv-e2e-${prefix}`);
const projects: TempProject[] = [];

afterAll(async () => {
  await terminal.kill();
  await reapBranchPrefix(prefix);
  await Promise.all(projects.map((p) => p.remove()));
});

const { waitForScreen } = terminal;

/** Starts `devenv up` attached on a copy of the example project in a fresh tmux session of the given size. */
async function startDashboard(branch: string, size: TerminalSize) {
  const project = await exampleProject();
  projects.push(project);
  const session = branch;
  await terminal.start({ session, dir: project.dir, args: ['up', '--branch', branch], size });
  return { session, dir: project.dir };
}

const readyCount = (text: string) => (text.match(/✔ (ready|healthy) \d/g) ?? []).length;
const serviceLine = (text: string, service: string) =>
  text.split('\n').find((line) => new RegExp(`^[› ] ${service} `).test(line)) ?? '';

async function containerOf(branch: string, service: string) {
  const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
  const container = containers.find((c) => c.Labels['dev.devenv.service'] === service);
  if (!container) throw new Error(`no ${service} container`);
  return docker.getContainer(container.Id).inspect();
}

describe('terminal UI (tmux)', () => {
  it('shows the stack coming up, restarts a service on r, and leaves the stack running on q', async () => {
    const branch = `${prefix}-tui`;
    const { session, dir } = await startDashboard(branch, { columns: 120, rows: 40 });
    let text = await waitForScreen(session, (t) => readyCount(t) === 3, 'three ready services');
    expect(text).toContain(`branch ${branch}`);
    expect(text).toMatch(/127\.0\.0\.1:\d+ -> 5432/);
    // Watch mode is on in an attached up: the tests panel waits for a save or the t key.
    expect(text).toContain('tests: no run yet');
    expect(text).toMatch(/watch on/);
    expect(text).not.toMatch(/:pass@/);

    const before = await containerOf(branch, 'postgres');
    await terminal.sendKeys(session, 'j');
    await waitForScreen(session, (t) => serviceLine(t, 'postgres').startsWith('›'), 'postgres selected');
    await terminal.sendKeys(session, 'r');
    text = await waitForScreen(
      session,
      (t) => /✔ ready .* 1\s*$/.test(serviceLine(t, 'postgres')),
      'postgres ready again with one restart',
    );
    const after = await containerOf(branch, 'postgres');
    expect(after.Id).toBe(before.Id);
    expect(after.State.StartedAt).not.toBe(before.State.StartedAt);
    expect(serviceLine(text, 'redis')).toMatch(/ 0\s*$/);

    await terminal.sendKeys(session, 'q');
    text = await waitForScreen(session, (t) => t.includes(EXITED), 'devenv exiting');
    expect(text).toContain('devenv exited: 0');
    expect(text).toContain(`keeps running; stop it with \`devenv down --branch ${branch}\``);
    const left = await resourcesWhere(`dev.devenv.branch=${branch}`);
    expect(left.containers.map((c) => c.State)).toEqual(['running', 'running', 'running']);
    expect((await devenv(dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
  });

  it('is usable at 80x24: every line fits, ports whole, help on ?, Ctrl-C quits like q', async () => {
    const branch = `${prefix}-small`;
    const { session, dir } = await startDashboard(branch, { columns: 80, rows: 24 });
    const text = await waitForScreen(session, (t) => readyCount(t) === 3, 'three ready services');
    const lines = text.split('\n');
    expect(Math.max(...lines.map((l) => [...l.trimEnd()].length))).toBeLessThanOrEqual(80);
    expect(serviceLine(text, 'postgres')).toMatch(/127\.0\.0\.1:\d+ -> 5432/);
    expect(text).toContain('q quit');
    await terminal.sendKeys(session, '?');
    await waitForScreen(
      session,
      (t) => t.includes('Keys') && t.includes('rerun failed tests'),
      'the help overlay',
    );
    await terminal.sendKeys(session, 'Escape');
    await waitForScreen(session, (t) => t.includes('─ logs:'), 'the logs pane again');
    await terminal.sendKeys(session, 'C-c');
    const end = await waitForScreen(session, (t) => t.includes(EXITED), 'devenv exiting');
    expect(end).toContain('devenv exited: 0');
    expect(end).toContain('keeps running');
    expect((await devenv(dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
  });
});
