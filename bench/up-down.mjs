#!/usr/bin/env node
// Side-by-side benchmark: devenv against docker-compose 1.29 (the Debian
// package) on the same compose files and the same local images, alternating,
// N runs each (default 5), medians and ratios.
//
//   A. the seed's Postgres + Redis (healthchecks every 200 ms):
//      `up -d` until both are healthy/ready, then `down -v`.
//   B. the full seed stack (templates/example: app + Postgres + Redis):
//      `up -d` until all started (compose has no readiness for the app), then `down`.
//
// Usage: npm run bench [-- --runs 5]      (needs the engine and stand-in images:
//        bash test/support/prepare-engine.sh)
import { execa } from 'execa';
import Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const env = {
  ...process.env,
  POSTGRES_IMAGE: 'devenv-test/postgres:15',
  REDIS_IMAGE: 'devenv-test/redis:7',
  NODE_IMAGE: 'devenv-test/node:20',
  NO_COLOR: '1',
  CI: 'true',
};
const docker = new Docker();
const devenvBin = `${root}bin/devenv`;

async function timed(fn) {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

async function run(cmd, args, cwd) {
  const result = await execa(cmd, args, { cwd, env, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${result.all}`);
  return result;
}

/** Polls the engine (25 ms) until every container of a compose project is healthy (or running, without healthcheck). */
async function composeReady(project, services, needHealth) {
  for (;;) {
    const list = await docker.listContainers({
      filters: JSON.stringify({ label: [`com.docker.compose.project=${project}`] }),
    });
    const ok = list.filter((c) => (needHealth ? c.Status.includes('(healthy)') : c.State === 'running'));
    if (ok.length === services) return;
    await sleep(25);
  }
}

const scenarios = [
  {
    name: 'postgres+redis (healthchecks 200 ms)',
    dir: `${root}bench`,
    file: 'data-services.compose.yaml',
    services: 2,
    needHealth: true,
    downArgs: { devenv: ['--volumes'], compose: ['-v'] },
  },
  {
    name: 'full seed stack (app+postgres+redis)',
    dir: `${root}templates/example`,
    file: 'compose.yaml',
    services: 3,
    needHealth: false,
    // -v for both: compose's plain `down` leaves the images' anonymous volumes behind.
    downArgs: { devenv: ['--volumes'], compose: ['-v'] },
  },
];

const tools = {
  devenv: {
    up: (s, id) => run(process.execPath, [devenvBin, 'up', '-d', '-f', s.file, '--stack', id], s.dir),
    down: (s, id) =>
      run(process.execPath, [devenvBin, 'down', ...s.downArgs.devenv, '-f', s.file, '--stack', id], s.dir),
    cleanup: (s, id) => run(process.execPath, [devenvBin, 'down', '--volumes', '--stack', id], s.dir),
  },
  compose: {
    up: async (s, id) => {
      await run('docker-compose', ['-p', id, '-f', s.file, 'up', '-d'], s.dir);
      await composeReady(id, s.services, s.needHealth);
    },
    down: (s, id) => run('docker-compose', ['-p', id, '-f', s.file, 'down', ...s.downArgs.compose], s.dir),
    // --rmi local: the image compose built under this project's name goes too (layers are shared).
    cleanup: (s, id) =>
      run('docker-compose', ['-p', id, '-f', s.file, 'down', '-v', '--rmi', 'local'], s.dir),
  },
};

async function main() {
  const { stdout: composeVersion } = await execa('docker-compose', ['version', '--short'], { reject: false });
  const engine = await docker.version();
  console.log(
    `engine ${engine.Version} (API ${engine.ApiVersion}); docker-compose ${composeVersion}; ${RUNS} runs each, alternating\n`,
  );
  const results = [];
  for (const scenario of scenarios) {
    // Build the example app image once for both tools, outside the timings.
    if (scenario.file === 'compose.yaml') {
      await run(process.execPath, [devenvBin, 'up', '-d', '--stack', 'bench-warmup'], scenario.dir);
      await run(process.execPath, [devenvBin, 'down', '--volumes', '--stack', 'bench-warmup'], scenario.dir);
      await run('docker-compose', ['-p', 'benchwarmup', 'build'], scenario.dir);
    }
    const times = { devenv: { up: [], down: [] }, compose: { up: [], down: [] } };
    const warmupDone = () =>
      scenario.file === 'compose.yaml'
        ? run('docker-compose', ['-p', 'benchwarmup', 'down', '--rmi', 'local'], scenario.dir).catch(
            () => undefined,
          )
        : Promise.resolve();
    for (let i = 0; i < RUNS; i++) {
      for (const name of i % 2 === 0 ? ['devenv', 'compose'] : ['compose', 'devenv']) {
        const tool = tools[name];
        const id = `bench${name}${i}`;
        try {
          times[name].up.push(await timed(() => tool.up(scenario, id)));
          times[name].down.push(await timed(() => tool.down(scenario, id)));
        } finally {
          await tool.cleanup(scenario, id).catch(() => undefined);
        }
      }
    }
    const row = {
      scenario: scenario.name,
      devenv: { up: median(times.devenv.up), down: median(times.devenv.down) },
      compose: { up: median(times.compose.up), down: median(times.compose.down) },
      samples: times,
    };
    results.push(row);
    await warmupDone();
    const fmt = (n) => `${n.toFixed(2)} s`;
    console.log(scenario.name);
    console.log(
      `  up   devenv ${fmt(row.devenv.up)}  docker-compose ${fmt(row.compose.up)}  ratio ${(row.devenv.up / row.compose.up).toFixed(2)}`,
    );
    console.log(
      `  down devenv ${fmt(row.devenv.down)}  docker-compose ${fmt(row.compose.down)}  ratio ${(row.devenv.down / row.compose.down).toFixed(2)}`,
    );
  }
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(
    `${root}bench/results/up-down.json`,
    JSON.stringify({ date: new Date().toISOString(), runs: RUNS, results }, null, 2),
  );
}

await main();
