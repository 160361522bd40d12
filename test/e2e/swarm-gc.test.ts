/**
 * `devenv gc --engine swarm` on the real three-node test swarm (test/support/swarm-cluster.sh):
 * an ephemeral stack whose TTL ran out goes with everything it had on every node (services,
 * overlay network, secret, config, and the volumes each worker made for its task), while an
 * ephemeral stack still within its TTL stays running. The stacks' tasks are placed one on each
 * node, so "every node" is more than the manager. A gc of the container backend on the
 * manager's engine (no --engine) leaves the swarm's stacks alone: their overlay networks and
 * task containers there are the swarm's. (A swarm stack's volume on the manager's node is a local
 * volume like any other, so `three` has none: README, Docker Swarm, known gaps.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { runPrefix } from '../support/engine-state.js';
import { jsonEvents } from '../support/json-events.js';
import { tempProject, type TempProject } from '../support/projects.js';
import {
  acquireSwarm,
  canRunSwarm,
  releaseSwarm,
  swarmLeftovers,
  swarmNodesVariable,
} from '../support/swarm-cluster.js';

const prefix = runPrefix();
const expiredBranch = `${prefix}-gc-old`;
const liveBranch = `${prefix}-gc-live`;
let project: TempProject | undefined;
let env: Record<string, string> = {};
let acquired = false;
/** The owner of both ephemeral stacks: alive throughout, so only gc's TTL verdict removes one. */
let keeper: ChildProcess | undefined;

const compose = `name: swarmgc
services:
  one:
    image: devenv-test/redis:7
    volumes: ["one-data:/data"]
    configs:
      - source: note
        target: /etc/note
    deploy:
      placement:
        constraints: ["node.labels.devenv.test.node==w1"]
  two:
    image: devenv-test/redis:7
    volumes: ["two-data:/data"]
    secrets: [token]
    deploy:
      placement:
        constraints: ["node.labels.devenv.test.node==w2"]
  three:
    image: devenv-test/debian-base:bookworm
    command: ["sleep", "infinity"]
    deploy:
      placement:
        constraints: ["node.role==manager"]
volumes:
  one-data: {}
  two-data: {}
configs:
  note:
    content: kept in a swarm config
secrets:
  token:
    environment: SWARM_GC_TOKEN
`;

async function upEphemeral(branch: string, ttl: string): Promise<string> {
  const result = await devenv(
    project!.dir,
    [
      'up',
      '-d',
      '--json',
      '--engine',
      'swarm',
      '--ephemeral',
      '--ttl',
      ttl,
      '--owner-pid',
      String(keeper!.pid),
      '--branch',
      branch,
    ],
    env,
  );
  expect(result.stderr + result.stdout).not.toMatch(/"type":"error"/);
  expect(result.exitCode).toBe(0);
  const resolved = jsonEvents(result.stdout).find((event) => event.type === 'stack.resolved');
  if (resolved?.type !== 'stack.resolved') throw new Error('no stack.resolved event');
  return resolved.stack;
}

interface GcOutput {
  dryRun: boolean;
  stacks: { stack: string; reason: string }[];
}

describe.skipIf(!canRunSwarm())('devenv gc on a three-node Docker Swarm', () => {
  let expired = '';
  let live = '';
  beforeAll(async () => {
    await acquireSwarm('devenv-test/redis:7', 'devenv-test/debian-base:bookworm');
    acquired = true;
    env = { DEVENV_SWARM_NODES: await swarmNodesVariable(), SWARM_GC_TOKEN: 's3cr3t-token' };
    project = await tempProject({ 'compose.yaml': compose }, 'devenv-swarm-gc-');
    keeper = spawn('sleep', ['3600'], { stdio: 'ignore' });
  }, 300_000);

  afterAll(async () => {
    if (project) {
      for (const branch of [expiredBranch, liveBranch])
        await devenv(project.dir, ['down', '-v', '--engine', 'swarm', '--branch', branch], env);
      await project.remove();
    }
    keeper?.kill();
    if (acquired) await releaseSwarm();
  }, 300_000);

  it("removes an expired ephemeral stack's services, network, secret, config and volumes on every node, and keeps a live one", async () => {
    [expired, live] = await Promise.all([upEphemeral(expiredBranch, '1s'), upEphemeral(liveBranch, '1h')]);
    const before = await swarmLeftovers(expired);
    for (const kind of [
      /^service .*-one-1$/,
      /^service .*-two-1$/,
      /^network /,
      /^secret /,
      /^config /,
      /^devswarm1 container /,
      /^devswarm1 volume .*one-data$/,
      /^devswarm2 container /,
      /^devswarm2 volume .*two-data$/,
      /^service .*-three-1$/,
      /^manager container /,
    ])
      expect(before, String(kind)).toContainEqual(expect.stringMatching(kind));
    const liveBefore = await swarmLeftovers(live);
    // The TTL of 1 s runs out (the other's hour does not).
    await new Promise((resolve) => setTimeout(resolve, 1500));

    // The container backend on the same engine sees no stack of the swarm's.
    const local = await devenv(project!.dir, ['gc', '--dry-run', '--json'], env);
    expect(local.exitCode, local.stderr).toBe(0);
    expect((JSON.parse(local.stdout) as GcOutput).stacks.map((s) => s.stack)).not.toContain(expired);
    const localLs = await devenv(project!.dir, ['ls', '--json'], env);
    expect((JSON.parse(localLs.stdout) as { stack: string }[]).map((s) => s.stack)).not.toContain(expired);

    const dry = await devenv(project!.dir, ['gc', '--dry-run', '--json', '--engine', 'swarm'], env);
    expect(dry.exitCode, dry.stderr).toBe(0);
    const would = (JSON.parse(dry.stdout) as GcOutput).stacks;
    expect(would.find((s) => s.stack === expired)?.reason).toMatch(/^TTL of 1 s expired/);
    expect(would.map((s) => s.stack)).not.toContain(live);
    expect(await swarmLeftovers(expired)).toEqual(before);

    const gc = await devenv(project!.dir, ['gc', '--json', '--engine', 'swarm'], env);
    expect(gc.exitCode, gc.stderr).toBe(0);
    const removed = (JSON.parse(gc.stdout) as GcOutput).stacks.map((s) => s.stack);
    expect(removed).toContain(expired);
    expect(removed).not.toContain(live);
    expect(await swarmLeftovers(expired)).toEqual([]);
    expect((await swarmLeftovers(live)).sort()).toEqual(liveBefore.sort());

    // The live one still runs on its nodes, as devenv sees it.
    const ls = await devenv(project!.dir, ['ls', '--json', '--engine', 'swarm'], env);
    const stacks = JSON.parse(ls.stdout) as {
      stack: string;
      services: { service: string; state: string }[];
    }[];
    expect(stacks.find((s) => s.stack === live)?.services).toEqual([
      expect.objectContaining({ service: 'one', state: 'running' }),
      expect.objectContaining({ service: 'three', state: 'running' }),
      expect.objectContaining({ service: 'two', state: 'running' }),
    ]);
  });
});
