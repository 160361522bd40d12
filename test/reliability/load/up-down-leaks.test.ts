/**
 * The fast variant of bench/load-cycles.mjs: a few `up -d` / `down -v`
 * cycles of one stack (a service with a named volume and an image VOLUME, a
 * published port) through the real CLI and engine. After every cycle nothing
 * of the stack is left: no labelled container, network or volume, no engine
 * object named after the stack, no devenv process in the project directory,
 * no lock file; and the counts do not grow from cycle to cycle.
 */
import { mkdtemp, readdir, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../../support/cli.js';
import { countOf, docker, reapBranchPrefix, resourcesWhere, runPrefix } from '../../support/engine-state.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const CYCLES = Number(process.env['LOAD_CYCLES'] ?? 5);
const prefix = runPrefix();
const branch = `${prefix}-cycles`;
const compose = `
services:
  cache:
    image: \${REDIS_IMAGE:-redis:7}
    volumes: ["data:/srv"]
    ports: ["6379"]
volumes:
  data: {}
`;

let project: TempProject;
const cache = await mkdtemp(join(tmpdir(), 'devenv-cycles-cache-'));
const env = { XDG_CACHE_HOME: cache };

beforeAll(async () => {
  project = await tempProject({ 'compose.yaml': compose }, `devenv-cycles-${prefix}-`);
}, 180_000);

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await project.remove();
  await rm(cache, { recursive: true, force: true });
}, 180_000);

/** Engine objects whose name holds the stack's name, labelled or not (an anonymous one would not). */
async function namedAfter(stack: string): Promise<string[]> {
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listNetworks(),
    docker.listVolumes(),
  ]);
  return [
    ...containers.flatMap((c) => c.Names).filter((name) => name.includes(stack)),
    ...networks.map((n) => n.Name).filter((name) => name.includes(stack)),
    ...(volumes.Volumes ?? []).map((v) => v.Name).filter((name) => name.includes(stack)),
  ];
}

async function processesIn(dir: string): Promise<number> {
  let count = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    if ((await readlink(`/proc/${pid}/cwd`).catch(() => '')) === dir) count++;
  }
  return count;
}

describe('up/down cycles leave nothing behind (real engine)', () => {
  it(`${CYCLES} cycles of one stack`, async () => {
    const samples: { cycle: number; labelled: number; named: number; processes: number; locks: number }[] =
      [];
    let stack = '';
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const up = await devenv(project.dir, ['up', '-d', '--branch', branch], env);
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
      if (stack === '') {
        const { containers, volumes } = await resourcesWhere(`dev.devenv.branch=${branch}`);
        stack = containers[0]!.Labels['dev.devenv.stack']!;
        // The template's volume and the one devenv makes for the image's VOLUME: both the stack's.
        expect(volumes.length).toBeGreaterThanOrEqual(2);
      }
      const down = await devenv(project.dir, ['down', '-v', '--branch', branch], env);
      expect(down.exitCode, down.stderr).toBe(0);
      samples.push({
        cycle,
        labelled: countOf(await resourcesWhere(`dev.devenv.branch=${branch}`)),
        named: (await namedAfter(stack)).length,
        processes: await processesIn(project.dir),
        locks: (await readdir(join(cache, 'devenv', 'locks')).catch(() => [])).length,
      });
    }
    console.log(`up/down cycles: ${JSON.stringify(samples)}`);
    for (const sample of samples) {
      expect(sample.labelled, `cycle ${sample.cycle}: labelled leftovers`).toBe(0);
      expect(sample.named, `cycle ${sample.cycle}: objects named after ${stack}`).toBe(0);
      expect(sample.processes, `cycle ${sample.cycle}: devenv processes left`).toBe(0);
    }
    // Lock files may stay (one per stack, reused), never one per cycle.
    expect(samples.at(-1)!.locks).toBeLessThanOrEqual(samples[0]!.locks);
  });
});
