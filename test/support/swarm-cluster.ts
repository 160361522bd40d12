/**
 * The three-node test swarm (swarm-cluster.sh): the main engine as manager and
 * two dockerd workers in their own network namespaces. A test file acquires a
 * lease in beforeAll and releases it in afterAll: the cluster is brought down
 * (and the main engine leaves the swarm) only when the last lease goes and
 * the script brought it up, so files running beside each other share it.
 */
import Docker from 'dockerode';
import { execa } from 'execa';
import { repoRoot } from './cli.js';

const script = `${repoRoot}test/support/swarm-cluster.sh`;

export const swarmWorkers = ['devswarm1', 'devswarm2'] as const;

/** dockerode on each worker's own engine, for checks independent of devenv. */
export const workerEngines = Object.fromEntries(
  swarmWorkers.map((name) => [name, new Docker({ socketPath: `/run/${name}.sock` })]),
) as Record<(typeof swarmWorkers)[number], Docker>;

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
