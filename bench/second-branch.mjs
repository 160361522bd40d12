#!/usr/bin/env node
// Benchmark (not a test): a second branch of the example project (app built
// from source + Postgres + Redis). The first branch's stack is up, with its
// app image built; then, N times, a new stack of the same sources is brought
// up (`up -d` until every service is ready) and removed. Target: under 2 s,
// and no rebuild: devenv finds the image by the content of its build inputs.
//
// Side by side, alternating: docker-compose 1.29 with a second project name
// (compose names the image it builds after the project, so an isolated second
// stack builds it again, from the layer cache; timed until all containers are
// started, compose has no readiness for these services; its first project is
// only built, since the template's fixed host ports let one run at a time); and, with
// `--before DIR`, the devenv built in DIR (e.g. /work/main before this change:
// an image per stack, rebuilt from the cache for every new stack).
//
// Usage: npm run build && node bench/second-branch.mjs [--runs 5] [--before /work/main]
//        (needs the engine and stand-in images: bash test/support/prepare-engine.sh)
import { execa } from 'execa';
import Docker from 'dockerode';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { flag as arg } from './support/argv.mjs';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(arg('--runs') ?? 5);
const before = arg('--before');
const TARGET_S = 2;
const env = {
  ...process.env,
  POSTGRES_IMAGE: 'devenv-test/postgres:15',
  REDIS_IMAGE: 'devenv-test/redis:7',
  NODE_IMAGE: 'devenv-test/node:20',
  NO_COLOR: '1',
  CI: 'true',
};
const docker = new Docker();
const id = `sb${process.pid}`;

async function run(cmd, args, cwd) {
  const result = await execa(cmd, args, { cwd, env, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${result.all}`);
  return result;
}

async function composeStarted(project, services) {
  for (;;) {
    const list = await docker.listContainers({
      filters: JSON.stringify({ label: [`com.docker.compose.project=${project}`] }),
    });
    if (list.filter((c) => c.State === 'running').length === services) return;
    await sleep(25);
  }
}

function devenvTool(name, bin) {
  const cli = (dir, args) => run(process.execPath, [bin, ...args], dir);
  return {
    name,
    first: (dir) => cli(dir, ['up', '-d', '--stack', `${id}-${name}-first`]),
    async second(dir, i) {
      const start = performance.now();
      const result = await cli(dir, ['up', '-d', '--json', '--stack', `${id}-${name}-${i}`]);
      const seconds = (performance.now() - start) / 1000;
      const events = result.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      const app = events.find((e) => e.type === 'image.ready' && e.service === 'app');
      return {
        seconds,
        rebuilt: events.some((e) => e.type === 'image.building') || app?.source === 'built',
        readyMs: events.find((e) => e.type === 'stack.ready')?.durationMs,
        // The app's image step alone (found and tagged, or rebuilt): what sharing saves, apart from engine load.
        imageMs: app?.durationMs,
      };
    },
    down: (dir, i) => cli(dir, ['down', '--volumes', '--stack', `${id}-${name}-${i}`]),
    cleanup: (dir) => cli(dir, ['down', '--volumes', '--stack', `${id}-${name}-first`]),
  };
}

const compose = {
  name: 'docker-compose',
  // Built only: the template publishes fixed host ports, so two compose stacks cannot both run.
  first: (dir) => run('docker-compose', ['-p', `${id}cfirst`, 'build'], dir),
  async second(dir, i) {
    const start = performance.now();
    const result = await run('docker-compose', ['-p', `${id}c${i}`, 'up', '-d'], dir);
    await composeStarted(`${id}c${i}`, 3);
    return { seconds: (performance.now() - start) / 1000, rebuilt: /Building app/.test(result.all) };
  },
  down: (dir, i) => run('docker-compose', ['-p', `${id}c${i}`, 'down', '-v', '--rmi', 'local'], dir),
  cleanup: (dir) => run('docker-compose', ['-p', `${id}cfirst`, 'down', '-v', '--rmi', 'local'], dir),
};

async function main() {
  const parent = await mkdtemp(join(tmpdir(), 'devenv-bench-'));
  // The project's name is its directory's: its images are this run's own.
  const dir = join(parent, `example-${id}`);
  await cp(join(root, 'templates/example'), dir, { recursive: true });
  const tools = [
    devenvTool('devenv', `${root}bin/devenv`),
    ...(before ? [devenvTool('before', join(before, 'bin/devenv'))] : []),
    compose,
  ];
  const { stdout: composeVersion } = await execa('docker-compose', ['version', '--short'], { reject: false });
  const engine = await docker.version();
  console.log(
    `engine ${engine.Version}; docker-compose ${composeVersion}; ${RUNS} runs each, alternating; target ${TARGET_S} s\n`,
  );
  const samples = Object.fromEntries(tools.map((t) => [t.name, []]));
  try {
    // The first branch: up (its image built), and it stays up while the second branches come and go.
    for (const tool of tools) await tool.first(dir);
    for (let i = 0; i < RUNS; i++) {
      for (const tool of i % 2 === 0 ? tools : [...tools].reverse()) {
        try {
          samples[tool.name].push(await tool.second(dir, i));
        } finally {
          await tool.down(dir, i).catch((error) => console.error(String(error)));
        }
      }
    }
  } finally {
    for (const tool of tools) await tool.cleanup(dir).catch((error) => console.error(String(error)));
    await rm(parent, { recursive: true, force: true });
  }
  const rows = tools.map((tool) => {
    const runs = samples[tool.name];
    return {
      tool: tool.name,
      upSeconds: median(runs.map((r) => r.seconds)),
      readyMs: runs[0]?.readyMs !== undefined ? median(runs.map((r) => r.readyMs)) : undefined,
      imageMs: runs[0]?.imageMs !== undefined ? median(runs.map((r) => r.imageMs)) : undefined,
      rebuilds: runs.filter((r) => r.rebuilt).length,
      runs,
    };
  });
  const compose_ = rows.find((r) => r.tool === 'docker-compose');
  for (const row of rows) {
    const ratio =
      compose_ && row !== compose_
        ? `  ratio vs compose ${(row.upSeconds / compose_.upSeconds).toFixed(2)}`
        : '';
    const ready =
      row.readyMs !== undefined
        ? ` (devenv's own stack.ready ${(row.readyMs / 1000).toFixed(2)} s, the app's image ${row.imageMs} ms)`
        : '';
    console.log(
      `${row.tool.padEnd(15)} second branch up -d ${row.upSeconds.toFixed(2)} s${ready}, rebuilds ${row.rebuilds}/${row.runs.length}${ratio}`,
    );
  }
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(
    `${root}bench/results/second-branch.json`,
    JSON.stringify({ date: new Date().toISOString(), runs: RUNS, rows }, null, 2),
  );
}

await main();
