/**
 * An environment on its own engine, reached as a remote one is: a real second
 * engine in its own network namespace, listening on tcp:// at its address there
 * (test/support/second-engine.sh), named by devenv.yaml `environments.remote.engine`.
 * devenv runs on this machine, as on a developer's laptop. `up --env remote`
 * builds there (the build context goes over the API), publishes on the engine's
 * address and reports that address (an address that machine lacks is an error
 * that says what to pass), and ls, env and down act there; nothing lands on the
 * main engine. An ephemeral stack there is reaped there when its
 * owner ends, and `gc --env remote` collects there, not on the main engine.
 */
import { connect } from 'node:net';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import { devenv } from '../support/cli.js';
import { containerExec } from '../support/container-exec.js';
import { docker, reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { jsonEvents } from '../support/json-events.js';
import { tempProject, type TempProject } from '../support/projects.js';
import { canRunSecondEngine, secondEngine } from '../support/second-engine.js';

const prefix = runPrefix();
const engine = secondEngine('devremote', { tcp: true });
const marker = `sent over the API ${prefix}`;
let address = '';
let project: TempProject | undefined;

function files(engineHost: string): Record<string, string> {
  return {
    'compose.yaml': `name: remoteshop
services:
  cache:
    build: ./cache
    ports: ["6379"]
    environment:
      REDIS_URL: redis://cache:6379
`,
    'cache/Dockerfile': 'FROM devenv-test/redis:7\nCOPY marker.txt /marker.txt\n',
    'cache/marker.txt': `${marker}\n`,
    'devenv.yaml': `environments:\n  remote:\n    engine: ${engineHost}\n`,
  };
}

/** Sends PING to a Redis at host:port from this machine; its answer. */
function redisPing(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: 5000 }, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString().trim());
      socket.destroy();
    });
    socket.once('timeout', () => socket.destroy(new Error(`no answer from ${host}:${port}`)));
    socket.once('error', reject);
  });
}

/** Containers of a branch on the second engine. */
async function remoteContainers(branch: string) {
  return (await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker)).containers;
}

async function untilGone(branch: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await remoteContainers(branch)).length > 0) {
    if (Date.now() > deadline) throw new Error(`the stack of ${branch} is still on the second engine`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A process to own an ephemeral stack: its end is what the reaper waits for. */
function owner() {
  const child = execa('sleep', ['120'], { reject: false });
  return { pid: child.pid!, end: () => child.kill('SIGKILL') };
}

const ofType = <T extends DevenvEvent['type']>(events: DevenvEvent[], type: T) =>
  events.filter((event): event is Extract<DevenvEvent, { type: T }> => event.type === type);

beforeAll(async () => {
  if (!canRunSecondEngine()) return;
  await engine.start();
  await engine.load('devenv-test/redis:7');
  // The engine is this file's alone, and its data root outlives a run: start from no stacks.
  await reapBranchPrefix('', engine.docker);
  address = await engine.address();
  project = await tempProject(files(`tcp://${address}:2375`), 'devenv-remote-');
}, 180_000);

afterAll(async () => {
  if (canRunSecondEngine()) {
    await reapBranchPrefix(prefix, engine.docker).catch(() => undefined);
    await engine.remove();
  }
  await reapBranchPrefix(prefix);
  await project?.remove();
}, 120_000);

describe.skipIf(!canRunSecondEngine())('an environment on a remote engine (tcp://)', () => {
  it('up builds and runs the stack there, publishes on its address and reports it; ls, env, down act there', async () => {
    const branch = `${prefix}-up`;
    const dir = project!.dir;
    const up = await devenv(dir, [
      'up',
      '-d',
      '--json',
      '--timeout',
      '30s',
      '--env',
      'remote',
      '--branch',
      branch,
    ]);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const events = jsonEvents(up.stdout);
    expect(ofType(events, 'stack.resolved')[0]?.endpoint).toBe(`tcp://${address}:2375`);
    expect(ofType(events, 'info').map((e) => e.message)).toContain(
      `ports are published on ${address}, the remote engine's address (its 127.0.0.1 is out of reach from here); --host-ip picks another`,
    );
    expect(ofType(events, 'image.ready')).toEqual([
      expect.objectContaining({ service: 'cache', source: 'built' }),
    ]);
    const [ready] = ofType(events, 'service.ready');
    expect(ready?.ports).toEqual([
      { containerPort: 6379, protocol: 'tcp', hostIp: address, hostPort: expect.any(Number) as number },
    ]);
    const hostPort = ready!.ports[0]!.hostPort;
    const stackReady = ofType(events, 'stack.ready')[0]!;
    expect(stackReady.env).toMatchObject({
      REDIS_URL: `redis://${address}:${hostPort}`,
      CACHE_HOST: address,
      CACHE_PORT: String(hostPort),
    });
    const stack = stackReady.stack;

    // On the second engine: the container, from an image built there with the files sent.
    const containers = await remoteContainers(branch);
    expect(containers.map((c) => c.State)).toEqual(['running']);
    // The stack's tag on the shared built image (devenv/<stack>/<service>:latest): there, not here.
    const tag = `devenv/${stack}/cache:latest`;
    expect((await engine.docker.getImage(tag).inspect()).Id).toBe(containers[0]!.ImageID);
    await expect(docker.getImage(tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await containerExec(containers[0]!.Id, ['cat', '/marker.txt'], engine.docker)).toBe(`${marker}\n`);

    // Nothing on the main engine: no container, network or volume of this stack (nor its image, above).
    const main = await resourcesWhere(`dev.devenv.stack=${stack}`);
    expect([...main.containers, ...main.networks, ...main.volumes]).toEqual([]);

    // Reachable from this machine at the reported address.
    expect(await redisPing(address, hostPort)).toBe('+PONG');

    const env = await devenv(dir, ['env', '--json', '--env', 'remote', '--branch', branch]);
    expect(env.exitCode, env.stderr).toBe(0);
    expect(JSON.parse(env.stdout)).toMatchObject({ REDIS_URL: `redis://${address}:${hostPort}` });
    const ls = await devenv(dir, ['ls', '--env', 'remote']);
    expect(ls.exitCode, ls.stderr).toBe(0);
    expect(ls.stdout).toContain(`${stack}  project=remoteshop env=remote branch=${branch}`);
    expect(ls.stdout).toMatch(
      new RegExp(`cache\\s+running\\s+${address.replaceAll('.', '\\.')}:${hostPort}->6379`),
    );
    expect((await devenv(dir, ['ls'])).stdout).not.toContain(stack);

    // An address the engine's machine lacks (a remote engine behind NAT): said so, with the way out.
    const foreign = await devenv(dir, [
      'up',
      '-d',
      '--host-ip',
      '10.9.9.9',
      '--env',
      'remote',
      '--branch',
      `${branch}-nat`,
    ]);
    expect(foreign.exitCode).toBe(1);
    expect(foreign.stderr).toContain(
      "cannot publish its ports on 10.9.9.9: the engine's machine has no such address",
    );
    expect(foreign.stderr).toContain('--host-ip 0.0.0.0');
    expect((await devenv(dir, ['down', '-v', '--env', 'remote', '--branch', `${branch}-nat`])).exitCode).toBe(
      0,
    );

    const down = await devenv(dir, ['down', '-v', '--env', 'remote', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
    const left = await resourcesWhere(`dev.devenv.stack=${stack}`, engine.docker);
    expect([...left.containers, ...left.networks, ...left.volumes]).toEqual([]);
  });

  it('an ephemeral stack there is removed there when its owner process ends', async () => {
    const branch = `${prefix}-eph`;
    const owning = owner();
    try {
      const up = await devenv(project!.dir, [
        'up',
        '-d',
        '--timeout',
        '30s',
        '--ephemeral',
        '--owner-pid',
        String(owning.pid),
        '--env',
        'remote',
        '--branch',
        branch,
      ]);
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
      expect((await remoteContainers(branch)).map((c) => c.State)).toEqual(['running']);
    } finally {
      owning.end();
    }
    // The reaper checks its owner every second.
    await untilGone(branch, 15_000);
  });

  it('gc --env remote collects an expired stack there, and nothing of the main engine', async () => {
    const dir = project!.dir;
    const remoteBranch = `${prefix}-gc`;
    const mainBranch = `${prefix}-gcmain`;
    const owning = owner();
    try {
      const ephemeral = [
        'up',
        '-d',
        '--timeout',
        '30s',
        '--ephemeral',
        '--ttl',
        '1s',
        '--owner-pid',
        String(owning.pid),
      ];
      const remote = await devenv(dir, [...ephemeral, '--json', '--env', 'remote', '--branch', remoteBranch]);
      expect(remote.exitCode, remote.stdout + remote.stderr).toBe(0);
      const remoteStack = ofType(jsonEvents(remote.stdout), 'stack.ready')[0]!.stack;
      // The same expired kind of stack on the main engine: what gc there would take.
      const main = await devenv(dir, [...ephemeral, '--json', '--branch', mainBranch]);
      expect(main.exitCode, main.stdout + main.stderr).toBe(0);
      const mainStack = ofType(jsonEvents(main.stdout), 'stack.ready')[0]!.stack;
      await new Promise((resolve) => setTimeout(resolve, 1100));

      const typo = await devenv(dir, ['gc', '--env', 'remtoe']);
      expect(typo.exitCode).toBe(1);
      expect(typo.stderr).toContain('There is no environment "remtoe"');

      // A dry run names what it would take: the remote stack, never the main engine's (which
      // another test's gc may take meanwhile, so the main engine is judged by what gc looked at).
      const dry = await devenv(dir, ['gc', '--dry-run', '--json', '--env', 'remote']);
      expect(dry.exitCode, dry.stderr).toBe(0);
      const wouldTake = (JSON.parse(dry.stdout) as { stacks: { stack: string }[] }).stacks.map(
        (s) => s.stack,
      );
      expect(wouldTake).toContain(remoteStack);
      expect(wouldTake).not.toContain(mainStack);

      const gc = await devenv(dir, ['gc', '--json', '--env', 'remote']);
      expect(gc.exitCode, gc.stderr).toBe(0);
      const taken = (JSON.parse(gc.stdout) as { stacks: { stack: string; reason: string }[] }).stacks;
      expect(taken).toContainEqual({
        stack: remoteStack,
        reason: expect.stringMatching(/^TTL of 1 s expired/) as string,
      });
      expect(taken.map((s) => s.stack)).not.toContain(mainStack);
      expect(await remoteContainers(remoteBranch)).toEqual([]);
    } finally {
      owning.end();
    }
    const down = await devenv(dir, ['down', '-v', '--branch', mainBranch]);
    expect(down.exitCode, down.stderr).toBe(0);
  });
});
