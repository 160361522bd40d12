/**
 * devenv on a real three-node Docker Swarm (test/support/swarm-cluster.sh: the
 * main engine as manager, two dockerd workers in their own network namespaces).
 * A stack of app (built here, from the Node stand-in), postgres and redis,
 * spread over the workers by placement constraints: the app's image is loaded
 * into the worker that runs it, the app reaches postgres and redis by service
 * name across nodes (overlay network, dnsrr), `up` names each task's node,
 * `ls` shows each task's node and state, a changed service is updated and
 * the others are kept, `down` leaves nothing with the stack's labels on any
 * node, and a worker whose dockerd stops has its task rescheduled onto the
 * other worker (seen through `ls`), the worker being started again after.
 */
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const manager = new Docker();
const prefix = runPrefix();
const branch = `${prefix}-swarm`;
let project: TempProject | undefined;
let env: Record<string, string> = {};
let acquired = false;

const server = `
const http = require('node:http');
const net = require('node:net');
function talk(host, port, send) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 3000 }, () => { if (send) socket.write(send); else { socket.end(); resolve('connected'); } });
    socket.once('data', (data) => { resolve(data.toString().trim()); socket.destroy(); });
    socket.once('timeout', () => { socket.destroy(); resolve('timeout'); });
    socket.once('error', (error) => resolve('error ' + error.code));
  });
}
http.createServer(async (req, res) => {
  const [postgres, redis] = await Promise.all([talk('postgres', 5432), talk('redis', 6379, 'PING\\r\\n')]);
  res.end(JSON.stringify({ postgres, redis, greeting: require('node:fs').readFileSync('/etc/greeting', 'utf8') }));
}).listen(3000);
`;

function files(redisMemo: string): Record<string, string> {
  return {
    'compose.yaml': `name: swarmshop
services:
  app:
    build: ./app
    ports: ["3000"]
    configs:
      - source: greeting
        target: /etc/greeting
    restart: always
    depends_on:
      postgres: { condition: service_healthy }
      redis: { condition: service_healthy }
    deploy:
      placement:
        constraints: ["node.labels.devenv.test.node==w1"]
  postgres:
    image: devenv-test/postgres:15
    environment:
      POSTGRES_PASSWORD: secret
    ports: ["5432"]
    restart: always
    deploy:
      placement:
        constraints: ["node.labels.devenv.test.node==w2"]
  redis:
    image: devenv-test/redis:7
    environment:
      MEMO: "${redisMemo}"
    ports: ["6379"]
    restart: always
    deploy:
      placement:
        constraints: ["node.labels.devenv.test.node==w2"]
configs:
  greeting:
    content: hello from a swarm config
`,
    'app/Dockerfile': 'FROM devenv-test/node:20\nCOPY server.js /server.js\nCMD ["node", "/server.js"]\n',
    'app/server.js': server,
  };
}

const stackLabel = (stack: string) => `dev.devenv.stack=${stack}`;

async function serviceState(stack: string): Promise<Map<string, { version: number; tasks: string[] }>> {
  const services = await manager.listServices({ filters: { label: [stackLabel(stack)] } });
  const out = new Map<string, { version: number; tasks: string[] }>();
  for (const service of services) {
    const tasks = (await manager.listTasks({
      filters: { service: [service.ID], 'desired-state': ['running'] },
    })) as { ID: string }[];
    out.set(service.Spec!.Labels!['dev.devenv.service']!, {
      version: service.Version!.Index!,
      tasks: tasks.map((task) => task.ID).sort(),
    });
  }
  return out;
}

interface ListedTask {
  task: string;
  node: string;
  state: string;
}

/** `devenv ls --engine swarm --json`: each service of the stack -> its tasks (what devenv shows). */
async function listedTasks(dir: string, stack: string): Promise<Map<string, ListedTask[]>> {
  const result = await devenv(dir, ['ls', '--json', '--engine', 'swarm'], env);
  if (result.exitCode !== 0) throw new Error(`ls failed: ${result.stderr}${result.stdout}`);
  const stacks = JSON.parse(result.stdout) as {
    stack: string;
    services: { service: string; state: string; tasks?: ListedTask[] }[];
  }[];
  const found = stacks.find((entry) => entry.stack === stack);
  return new Map((found?.services ?? []).map((service) => [service.service, service.tasks ?? []]));
}

describe.skipIf(!canRunSwarm())('devenv on a three-node Docker Swarm', () => {
  let stack = '';
  beforeAll(async () => {
    await acquireSwarm('devenv-test/postgres:15', 'devenv-test/redis:7');
    acquired = true;
    env = { DEVENV_SWARM_NODES: await swarmNodesVariable() };
    project = await tempProject(files('first'), 'devenv-swarm-');
  }, 300_000);

  afterAll(async () => {
    if (project) {
      await devenv(project.dir, ['down', '-v', '--engine', 'swarm', '--branch', branch], env);
      await project.remove();
    }
    if (acquired) await releaseSwarm();
  }, 300_000);

  it('places the stack by constraints, loads the built image into its node, and the app reaches postgres and redis across nodes', async () => {
    const up = await upOnSwarm(project!.dir, branch, env);
    const events = up.events;
    stack = up.stack;
    // Each task's node, as `up` reports it.
    const started = events.flatMap((event) =>
      event.type === 'container.started' ? [`${event.service} ${event.container}`] : [],
    );
    expect(started).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^app .*-app-1\.1 on devswarm1$/),
        expect.stringMatching(/^postgres .*-postgres-1\.1 on devswarm2$/),
        expect.stringMatching(/^redis .*-redis-1\.1 on devswarm2$/),
      ]),
    );
    // The built image went to the worker through its engine API (no registry).
    const infos = events.flatMap((event) => (event.type === 'info' ? [event.message] : []));
    expect(infos.some((message) => /loaded into node devswarm1 through its engine API/.test(message))).toBe(
      true,
    );

    const ready = events.find((event) => event.type === 'service.ready' && event.service === 'app');
    if (ready?.type !== 'service.ready') throw new Error('app not ready');
    const port = ready.ports.find((p) => p.containerPort === 3000)!;
    expect(port.hostIp).toBe(workerAddress.devswarm1);
    const answer = (await (await fetch(`http://${port.hostIp}:${port.hostPort}/`)).json()) as Record<
      string,
      string
    >;
    expect(answer).toEqual({ postgres: 'connected', redis: '+PONG', greeting: 'hello from a swarm config' });
  });

  it("ls shows each service's tasks and the node each runs on (plain and --json)", async () => {
    const tasks = await listedTasks(project!.dir, stack);
    expect(Object.fromEntries(tasks)).toEqual({
      app: [
        expect.objectContaining({
          task: expect.stringMatching(/-app-1\.1$/),
          node: 'devswarm1',
          state: 'running',
        }),
      ],
      postgres: [
        expect.objectContaining({
          task: expect.stringMatching(/-postgres-1\.1$/),
          node: 'devswarm2',
          state: 'running',
        }),
      ],
      redis: [
        expect.objectContaining({
          task: expect.stringMatching(/-redis-1\.1$/),
          node: 'devswarm2',
          state: 'running',
        }),
      ],
    });
    const plain = await devenv(project!.dir, ['ls', '--engine', 'swarm'], env);
    expect(plain.exitCode).toBe(0);
    const lines = plain.stdout.split('\n');
    expect(lines.find((line) => line.startsWith(stack))).toBeDefined();
    expect(lines.find((line) => /^\s+app\s/.test(line))).toMatch(/tasks: 1 running on devswarm1$/);
    expect(lines.find((line) => /^\s+redis\s/.test(line))).toMatch(/tasks: 1 running on devswarm2$/);
  });

  it('logs and env read the stack on the swarm', async () => {
    const logs = await devenv(project!.dir, ['logs', 'redis', '--engine', 'swarm', '--branch', branch], env);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toMatch(/Ready to accept connections/);
    const shown = await devenv(project!.dir, ['env', '--json', '--engine', 'swarm', '--branch', branch], env);
    expect(shown.exitCode).toBe(0);
    expect(shown.stdout).toContain('REDIS_PORT');
  });

  it('updates only the changed service and keeps the others (same service version, same tasks)', async () => {
    const before = await serviceState(stack);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${project!.dir}/compose.yaml`, files('second')['compose.yaml']!);
    const { events } = await upOnSwarm(project!.dir, branch, env);
    const kept = events.flatMap((event) => (event.type === 'container.kept' ? [event.service] : []));
    expect(kept.sort()).toEqual(['app', 'postgres']);
    const after = await serviceState(stack);
    expect(after.get('app')).toEqual(before.get('app'));
    expect(after.get('postgres')).toEqual(before.get('postgres'));
    expect(after.get('redis')!.version).toBeGreaterThan(before.get('redis')!.version);
    expect(after.get('redis')!.tasks).not.toEqual(before.get('redis')!.tasks);
  });

  it('down leaves no service, network, secret, config or volume with the stack label on any node', async () => {
    expect(await swarmLeftovers(stack)).not.toEqual([]);
    const result = await devenv(project!.dir, ['down', '-v', '--engine', 'swarm', '--branch', branch], env);
    expect(result.exitCode).toBe(0);
    expect(await swarmLeftovers(stack)).toEqual([]);
  });

  it('refuses the swarm backend on an engine that is not a swarm manager', async () => {
    const result = await devenv(
      project!.dir,
      ['up', '-d', '--engine', 'swarm:unix:///run/devswarm1.sock', '--branch', `${branch}-w`],
      env,
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/swarm worker/);
  });

  it("a stopped worker's task is rescheduled onto the other worker, and ls shows where it runs now", async () => {
    const moving = await tempProject(
      {
        'compose.yaml': `name: swarmmove
services:
  cache:
    image: devenv-test/redis:7
    restart: always
    deploy:
      placement:
        constraints: ["node.role==worker"]
`,
      },
      'devenv-swarm-move-',
    );
    const moveBranch = `${branch}-move`;
    let stopped: 'devswarm1' | 'devswarm2' | undefined;
    let moveStack = '';
    try {
      moveStack = (await upOnSwarm(moving.dir, moveBranch, env)).stack;
      const [before] = (await listedTasks(moving.dir, moveStack)).get('cache') ?? [];
      expect(before).toMatchObject({ state: 'running', node: expect.stringMatching(/^devswarm[12]$/) });
      const from = before!.node as 'devswarm1' | 'devswarm2';
      const to = from === 'devswarm1' ? 'devswarm2' : 'devswarm1';

      stopped = from;
      await stopWorker(from);
      // The manager marks the node down after missed heartbeats, then starts the slot's task
      // on the other worker: polled through devenv until it runs there (bounded).
      let after: ListedTask[] = [];
      for (let tries = 0; tries < 120; tries++) {
        after = (await listedTasks(moving.dir, moveStack)).get('cache') ?? [];
        if (after.length === 1 && after[0]!.node === to && after[0]!.state === 'running') break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      expect(after).toEqual([expect.objectContaining({ node: to, state: 'running' })]);
      // The swarm agrees: the node is down and the one task wanted running is on the other worker.
      const nodes = await manager.listNodes();
      const hostname = (id: string) => nodes.find((node) => node.ID === id)?.Description?.Hostname;
      expect(nodes.find((node) => node.Description?.Hostname === from)?.Status?.State).toBe('down');
      const service = (await manager.listServices({ filters: { label: [stackLabel(moveStack)] } }))[0]!;
      const running = (await manager.listTasks({
        filters: { service: [service.ID], 'desired-state': ['running'] },
      })) as { NodeID: string; Status: { State: string } }[];
      expect(running.map((task) => [hostname(task.NodeID), task.Status.State])).toEqual([[to, 'running']]);

      await startWorker(from);
      stopped = undefined;
      const down = await devenv(moving.dir, ['down', '-v', '--engine', 'swarm', '--branch', moveBranch], env);
      expect(down.exitCode).toBe(0);
      // The restarted worker drops the container of the task that left it (bounded wait).
      let left: string[] = [];
      for (let tries = 0; tries < 60; tries++) {
        left = await swarmLeftovers(moveStack);
        if (left.length === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      expect(left).toEqual([]);
    } finally {
      if (stopped) await startWorker(stopped);
      await devenv(moving.dir, ['down', '-v', '--engine', 'swarm', '--branch', moveBranch], env);
      await moving.remove();
    }
  }, 300_000);
});
