/**
 * What a user sees of a stack's tasks on the real three-node Docker Swarm
 * (test/support/swarm-cluster.sh):
 * - `up -d` with `replicas: 2` spread over the two workers names each task with its node and
 *   waits for both before the service is ready;
 * - `devenv env` gives each service the address of the node its task runs on (a service
 *   constrained to a worker: that worker's address), and HOST:PORT answers from this machine;
 * - the attached dashboard shows each service's tasks with their node and state, and after the
 *   task's worker is stopped, the task on the other worker (the worker is started again after).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import { devenv } from '../support/cli.js';
import { runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';
import {
  acquireSwarm,
  canRunSwarm,
  releaseSwarm,
  startWorker,
  stopWorker,
  swarmLeftovers,
  swarmNodesVariable,
  upOnSwarm,
  workerAddress,
} from '../support/swarm-cluster.js';
import { EXITED, tmuxServer } from '../support/tmux-dashboard.js';

const prefix = runPrefix();
const branch = `${prefix}-swtasks`;
const dashboardBranch = `${prefix}-swdash`;
const terminal = tmuxServer(`devenv-e2e-${prefix}-swarm`);
let project: TempProject | undefined;
let dashboard: TempProject | undefined;
let env: Record<string, string> = {};
let acquired = false;

const spreadStack = `name: swtasks
services:
  cache:
    image: devenv-test/redis:7
    ports: ["6379"]
    restart: always
    deploy:
      replicas: 2
      placement:
        constraints: ["node.role==worker"]
        preferences: [{ spread: node.labels.devenv.test.node }]
  db:
    image: devenv-test/redis:7
    ports: ["6379"]
    restart: always
    deploy:
      placement:
        constraints: ["node.labels.devenv.test.node==w2"]
  app:
    image: devenv-test/redis:7
    environment:
      DB_URL: redis://db:6379/0
    restart: always
    deploy:
      placement:
        constraints: ["node.labels.devenv.test.node==w1"]
`;

const movingStack = `name: swdash
services:
  queue:
    image: devenv-test/redis:7
    ports: ["6379"]
    restart: always
    deploy:
      placement:
        constraints: ["node.role==worker"]
`;

/** Whether a TCP connection to host:port opens from this machine (then closed). */
function tcpConnects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 5000 }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

describe.skipIf(!canRunSwarm())('tasks on a three-node Docker Swarm: up, env and the dashboard', () => {
  beforeAll(async () => {
    await acquireSwarm('devenv-test/redis:7');
    acquired = true;
    env = { DEVENV_SWARM_NODES: await swarmNodesVariable() };
    project = await tempProject({ 'compose.yaml': spreadStack }, 'devenv-swarm-tasks-');
    dashboard = await tempProject({ 'compose.yaml': movingStack }, 'devenv-swarm-dash-');
  }, 300_000);

  afterAll(async () => {
    await terminal.kill();
    if (project) {
      await devenv(project.dir, ['down', '-v', '--engine', 'swarm', '--branch', branch], env);
      await project.remove();
    }
    if (dashboard) {
      await devenv(dashboard.dir, ['down', '-v', '--engine', 'swarm', '--branch', dashboardBranch], env);
      await dashboard.remove();
    }
    if (acquired) await releaseSwarm();
  }, 300_000);

  let stack = '';

  it('up -d names each of two replicas with its worker and waits for both before the service is ready', async () => {
    const up = await upOnSwarm(project!.dir, branch, env);
    const events = up.events;
    stack = up.stack;

    const started = events.flatMap((event, index) =>
      event.type === 'container.started' && event.service === 'cache'
        ? [{ index, task: event.container }]
        : [],
    );
    expect(started.map((entry) => entry.task).sort()).toEqual([
      expect.stringMatching(/-cache-1\.1 on devswarm[12]$/),
      expect.stringMatching(/-cache-1\.2 on devswarm[12]$/),
    ]);
    // One task on each worker (spread by their label).
    expect(new Set(started.map((entry) => /on (devswarm[12])$/.exec(entry.task)![1]))).toEqual(
      new Set(['devswarm1', 'devswarm2']),
    );
    // Ready only once both tasks run: after both were said, with a port on each worker.
    const readyAt = events.findIndex((event) => event.type === 'service.ready' && event.service === 'cache');
    expect(readyAt).toBeGreaterThan(Math.max(...started.map((entry) => entry.index)));
    const ready = events[readyAt] as Extract<DevenvEvent, { type: 'service.ready' }>;
    expect(new Set(ready.ports.map((port) => port.hostIp))).toEqual(
      new Set([workerAddress.devswarm1, workerAddress.devswarm2]),
    );
    // The tasks as the dashboard gets them: 2 wanted, both running, one per worker.
    const tasks = events.filter(
      (event): event is Extract<DevenvEvent, { type: 'service.tasks' }> =>
        event.type === 'service.tasks' && event.service === 'cache',
    );
    const last = tasks[tasks.length - 1]!;
    expect(last.desired).toBe(2);
    expect(last.tasks.map((task) => [task.node, task.state]).sort()).toEqual([
      ['devswarm1', 'running'],
      ['devswarm2', 'running'],
    ]);

    // Plain output says the tasks once they run (a kept stack: up again).
    const plain = await devenv(project!.dir, ['up', '-d', '--engine', 'swarm', '--branch', branch], env);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toMatch(
      /cache +tasks 2\/2 running: cache\.1 on devswarm[12] running, cache\.2 on devswarm[12] running/,
    );
  });

  it("env gives each service the address of its task's node, and HOST:PORT answers from here", async () => {
    const shown = await devenv(project!.dir, ['env', '--json', '--engine', 'swarm', '--branch', branch], env);
    expect(shown.exitCode).toBe(0);
    const vars = JSON.parse(shown.stdout) as Record<string, string>;
    // db is constrained to w2 (devswarm2): its host is that worker's, not the manager's.
    expect(vars['DB_HOST']).toBe(workerAddress.devswarm2);
    expect(vars['DB_URL']).toBe(`redis://${workerAddress.devswarm2}:${vars['DB_PORT']}/0`);
    expect(await tcpConnects(vars['DB_HOST']!, Number(vars['DB_PORT']))).toBe(true);
    // cache runs on both workers: its host is the node of the port CACHE_PORT names.
    expect([workerAddress.devswarm1, workerAddress.devswarm2]).toContain(vars['CACHE_HOST']);
    expect(await tcpConnects(vars['CACHE_HOST']!, Number(vars['CACHE_PORT']))).toBe(true);
  });

  it("the dashboard shows each task's node and state, and the task on the other worker after its worker stops", async () => {
    const session = 'swarm-dash';
    await terminal.start({
      session,
      dir: dashboard!.dir,
      args: ['up', '--engine', 'swarm', '--branch', dashboardBranch],
      size: { columns: 140, rows: 40 },
      env,
    });
    const taskLine = /tasks 1\/1 running +queue\.1 +(devswarm[12]) +running/;
    const first = await terminal.waitForScreen(
      session,
      (text) => taskLine.test(text),
      "queue's task running on a worker",
      { timeoutMs: 180_000 },
    );
    const from = taskLine.exec(first)![1] as 'devswarm1' | 'devswarm2';
    const to = from === 'devswarm1' ? 'devswarm2' : 'devswarm1';
    let stopped = false;
    try {
      stopped = true;
      await stopWorker(from);
      // The manager marks the node down after missed heartbeats and starts the task on the other
      // worker; the dashboard looks at the tasks every 2 s (bounded wait).
      const moved = await terminal.waitForScreen(
        session,
        (text) => new RegExp(`tasks 1/1 running +queue\\.1 +${to} +running`).test(text),
        `queue's task running on ${to}`,
        { timeoutMs: 120_000 },
      );
      expect(moved).not.toMatch(new RegExp(`queue\\.1 +${from}`));
      // Its port moved with it: the ports column shows the new node's address.
      expect(moved).toContain(`${workerAddress[to]}:`);
      expect(moved).not.toMatch(/FAILED/);
    } finally {
      if (stopped) await startWorker(from);
    }
    await terminal.sendKeys(session, 'q');
    const after = await terminal.waitForScreen(session, (text) => text.includes(EXITED), 'devenv exited');
    expect(after).toMatch(/Stack \S+ keeps running; stop it with `devenv down --branch \S+ --engine swarm`/);
    const down = await devenv(
      dashboard!.dir,
      ['down', '-v', '--engine', 'swarm', '--branch', dashboardBranch],
      env,
    );
    expect(down.exitCode).toBe(0);
  }, 420_000);

  it('down leaves nothing of the spread stack on any node', async () => {
    const result = await devenv(project!.dir, ['down', '-v', '--engine', 'swarm', '--branch', branch], env);
    expect(result.exitCode).toBe(0);
    expect(await swarmLeftovers(stack)).toEqual([]);
  });
});
