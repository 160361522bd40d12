/**
 * The three-node test swarm (swarm-cluster.sh): the main engine as manager and
 * two dockerd workers in their own network namespaces. A test file acquires a
 * lease in beforeAll and releases it in afterAll: the cluster is brought down
 * (and the main engine leaves the swarm) only when the last lease goes and
 * the script brought it up, so files running beside each other share it.
 */
import Docker from 'dockerode';
import { execa } from 'execa';
import { expect } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import { devenv, repoRoot } from './cli.js';
import { jsonEvents } from './json-events.js';

const script = `${repoRoot}test/support/swarm-cluster.sh`;

export const swarmWorkers = ['devswarm1', 'devswarm2'] as const;

/** dockerode on each worker's own engine, for checks independent of devenv. */
export const workerEngines = Object.fromEntries(
  swarmWorkers.map((name) => [name, new Docker({ socketPath: `/run/${name}.sock` })]),
) as Record<(typeof swarmWorkers)[number], Docker>;

/** The manager (this machine's main engine), for checks independent of devenv. */
export const managerEngine = new Docker();

/**
 * Everything with the stack's label: services, networks, secrets and configs on the manager;
 * containers, volumes and local networks on every node (the manager's and each worker's engine).
 */
export async function swarmLeftovers(stack: string): Promise<string[]> {
  const filters = { label: [`dev.devenv.stack=${stack}`] };
  const manager = managerEngine;
  const found: string[] = [];
  found.push(...(await manager.listServices({ filters })).map((s) => `service ${s.Spec?.Name}`));
  found.push(...(await manager.listNetworks({ filters })).map((n) => `network ${n.Name}`));
  found.push(...(await manager.listSecrets({ filters })).map((s) => `secret ${s.Spec?.Name}`));
  found.push(...(await manager.listConfigs({ filters })).map((c) => `config ${c.Spec?.Name}`));
  for (const [name, engine] of [['manager', manager], ...Object.entries(workerEngines)] as const) {
    found.push(
      ...(await engine.listContainers({ all: true, filters })).map((c) => `${name} container ${c.Id}`),
    );
    found.push(
      ...((await engine.listVolumes({ filters })).Volumes ?? []).map((v) => `${name} volume ${v.Name}`),
    );
    found.push(
      ...(await engine.listNetworks({ filters }))
        .filter((n) => n.Scope === 'local')
        .map((n) => `${name} network ${n.Name}`),
    );
  }
  return found;
}

/** Where this machine reaches a worker (its address on br-devswarm). */
export const workerAddress = { devswarm1: '10.232.0.2', devswarm2: '10.232.0.3' } as const;

async function run(...args: string[]): Promise<string> {
  return String(
    (await execa('bash', [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })).stdout,
  ).trim();
}

export function canRunSwarm(): boolean {
  return process.getuid?.() === 0;
}

/** Brings the cluster up (or joins the one running) and loads images into the workers. */
export async function acquireSwarm(...images: string[]): Promise<void> {
  await run('acquire', String(process.pid));
  if (images.length > 0) await run('load', ...images);
}

export async function releaseSwarm(): Promise<void> {
  await run('release', String(process.pid));
}

/** DEVENV_SWARM_NODES for the workers. */
export function swarmNodesVariable(): Promise<string> {
  return run('nodes');
}

/** Stops a worker's dockerd without leaving the swarm (its node goes down); idempotent. */
export async function stopWorker(name: (typeof swarmWorkers)[number]): Promise<void> {
  await run('stop-worker', name);
}

/** Starts a stopped worker again and waits until its node is ready; idempotent. */
export async function startWorker(name: (typeof swarmWorkers)[number]): Promise<void> {
  await run('start-worker', name);
}

const registryScript = `${repoRoot}test/support/swarm-registry.sh`;

/**
 * A registry every node of the test swarm reaches under one name (swarm-registry.sh: HTTPS on the
 * cluster bridge, its CA trusted through /etc/docker/certs.d); its address. Needs the cluster up.
 */
export async function startSwarmRegistry(): Promise<string> {
  return String(
    (await execa('bash', [registryScript, 'up'], { stdio: ['ignore', 'pipe', 'pipe'] })).stdout,
  ).trim();
}

/** Stops the registry and removes its certificate trust; idempotent. */
export async function stopSwarmRegistry(): Promise<void> {
  await execa('bash', [registryScript, 'down'], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `devenv up -d --json --engine swarm --branch BRANCH` in `dir`, which must succeed: its events and stack. */
export async function upOnSwarm(
  dir: string,
  branch: string,
  env: Record<string, string>,
): Promise<{ events: DevenvEvent[]; stack: string }> {
  const result = await devenv(dir, ['up', '-d', '--json', '--engine', 'swarm', '--branch', branch], env);
  expect(result.stderr + result.stdout).not.toMatch(/"type":"error"/);
  expect(result.exitCode).toBe(0);
  const events = jsonEvents(result.stdout);
  const resolved = events.find((event) => event.type === 'stack.resolved');
  if (resolved?.type !== 'stack.resolved') throw new Error('no stack.resolved event');
  return { events, stack: resolved.stack };
}
