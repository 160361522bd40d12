#!/usr/bin/env node
// "A new stack in about a second": `up -d` of a NEW stack until every service
// is ready, devenv against docker-compose 1.29 (and devenv --no-data-cache, what
// every new stack paid before the Postgres data cache), side by side in one run,
// alternating, N runs each (default 5), medians and ratios to docker-compose.
//
//   A. the article's docker-compose.yml, verbatim but for the images (stand-ins:
//      devenv-test/postgres:15, devenv-test/redis:7, and the app's Dockerfile FROM
//      devenv-test/node:20), fixed host ports and all (devenv picks free ones).
//   B. Postgres + Redis without volumes (bench/postgres-redis.compose.yaml): the
//      stand-in's VOLUME gives Postgres a volume devenv creates itself.
//
// "Ready" is judged the same way for both tools, by devenv's own probes on the
// published ports: Postgres accepts a real connection (the template's user and
// database), Redis answers PING, the app's port accepts a connection. devenv's
// `up -d` returns when its own readiness holds; compose's `up -d` returns when the
// containers are started, then the probes are polled every 25 ms.
// One untimed warm-up per tool and scenario first: it builds devenv's Postgres
// data cache (what every later new stack restores) and both tools' app images.
//
// Usage: npm run build && node bench/new-stack.mjs [--runs 5]
//        (needs the engine and stand-in images: bash test/support/prepare-engine.sh)
import { execa } from 'execa';
import Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresProbe } from '../dist/adapters/probes/postgres-probe.js';
import { redisProbe } from '../dist/adapters/probes/redis-probe.js';
import { tcpProbe } from '../dist/adapters/probes/tcp-probe.js';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const env = {
  ...process.env,
  POSTGRES_IMAGE: 'devenv-test/postgres:15',
  REDIS_IMAGE: 'devenv-test/redis:7',
  NO_COLOR: '1',
  CI: 'true',
};
const docker = new Docker();
const devenvBin = `${root}bin/devenv`;

// The article's docker-compose.yml (/work/shared/seed/, "Local Development (Docker Compose)"),
// its indentation restored; only the two image names are the local stand-ins'.
const ARTICLE_COMPOSE = `# docker-compose.yml
version: '3.8'
services:
  app:
    build: .
    ports:
      - "8080:8080"
    environment:
      DATABASE_URL: postgresql://user:pass@postgres:5432/myapp_dev
      REDIS_URL: redis://redis:6379
      LOG_LEVEL: debug
    depends_on:
      - postgres
      - redis
    volumes:
      - .:/app
  postgres:
    image: devenv-test/postgres:15
    environment:
      POSTGRES_USER: user
      POSTGRES_PASSWORD: pass
      POSTGRES_DB: myapp_dev
    ports:
      - "5432:5432"
  redis:
    image: devenv-test/redis:7
    ports:
      - "6379:6379"
`;

/**
 * docker-compose gets the same file with each published port's host side left to the engine
 * ("5432:5432" -> "5432"): this machine is shared, and another stack holding 5432 would fail the
 * run. devenv reads the file as written (it picks free host ports itself).
 */
const COMPOSE_COPY = 'for-docker-compose.yml';
function withComposeCopy(dir, file, text) {
  writeFileSync(join(dir, file), text);
  writeFileSync(join(dir, COMPOSE_COPY), text.replace(/(["'])\d+:(\d+)\1/g, '$1$2$1'));
  return dir;
}

function articleProject() {
  const dir = mkdtempSync(join(tmpdir(), 'devenv-bench-article-'));
  withComposeCopy(dir, 'docker-compose.yml', ARTICLE_COMPOSE);
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM devenv-test/node:20\nWORKDIR /app\nCOPY . .\nEXPOSE 8080\nCMD ["node", "server.js"]\n',
  );
  for (const file of ['server.js', 'package.json', '.dockerignore'])
    copyFileSync(join(root, 'templates/example', file), join(dir, file));
  return dir;
}

async function run(cmd, args, cwd) {
  const result = await execa(cmd, args, { cwd, env, reject: false, all: true });
  if (result.exitCode !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${result.all}`);
  return result;
}

const probes = {
  postgres: (port) => postgresProbe('127.0.0.1', port, { user: 'user', database: 'myapp_dev' }),
  redis: (port) => redisProbe('127.0.0.1', port),
  app: (port) => tcpProbe('127.0.0.1', port),
};

/** Polls (25 ms) until every service of the compose project passes its probe on its published port. */
async function composeReady(project, services) {
  const pending = new Set(services);
  while (pending.size > 0) {
    const list = await docker.listContainers({
      filters: JSON.stringify({ label: [`com.docker.compose.project=${project}`] }),
    });
    await Promise.all(
      list.map(async (c) => {
        const service = c.Labels['com.docker.compose.service'];
        const port = c.Ports.find((p) => p.PublicPort && p.IP !== '::')?.PublicPort;
        if (pending.has(service) && port && (await probes[service](port))) pending.delete(service);
      }),
    );
    if (pending.size > 0) await sleep(25);
  }
}

const scenarios = [
  {
    name: "the article's compose file (app + postgres + redis)",
    dir: articleProject,
    file: 'docker-compose.yml',
    services: ['app', 'postgres', 'redis'],
  },
  {
    name: 'postgres + redis without volumes',
    dir: () =>
      withComposeCopy(
        mkdtempSync(join(tmpdir(), 'devenv-bench-pgredis-')),
        'postgres-redis.compose.yaml',
        readFileSync(join(root, 'bench/postgres-redis.compose.yaml'), 'utf8'),
      ),
    file: 'postgres-redis.compose.yaml',
    services: ['postgres', 'redis'],
  },
];

const tools = {
  compose: {
    async up(s, dir, id) {
      await run('docker-compose', ['-p', id, '-f', COMPOSE_COPY, 'up', '-d'], dir);
      await composeReady(id, s.services);
    },
    // --rmi local: the image compose built under this project's name goes too (layers are shared).
    cleanup: (s, dir, id) =>
      run('docker-compose', ['-p', id, '-f', COMPOSE_COPY, 'down', '-v', '--rmi', 'local'], dir),
  },
  devenv: {
    async up(s, dir, id) {
      const result = await run(
        process.execPath,
        [devenvBin, 'up', '-d', '--json', '-f', s.file, '--stack', id, ...(this.args ?? [])],
        dir,
      );
      const events = result.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line));
      return events.find((e) => e.type === 'data.cache');
    },
    cleanup: (s, dir, id) => run(process.execPath, [devenvBin, 'down', '--volumes', '--stack', id], dir),
  },
  // The same without the data cache: Postgres initializes every new data directory (devenv before the cache).
  'devenv-no-cache': {
    args: ['--no-data-cache'],
    up(s, dir, id) {
      return tools.devenv.up.call(this, s, dir, id);
    },
    cleanup: (s, dir, id) => tools.devenv.cleanup(s, dir, id),
  },
};

async function main() {
  const { stdout: composeVersion } = await execa('docker-compose', ['version', '--short'], { reject: false });
  const engine = await docker.version();
  console.log(
    `engine ${engine.Version} (API ${engine.ApiVersion}); docker-compose ${composeVersion}; ${RUNS} runs each, alternating; new stack each run\n`,
  );
  const tag = `${process.pid}`;
  const results = [];
  for (const scenario of scenarios) {
    const dir = scenario.dir();
    const names = Object.keys(tools);
    const times = Object.fromEntries(names.map((name) => [name, []]));
    const restores = [];
    try {
      for (const name of names) {
        const id = `benchwarm${name}${tag}`;
        try {
          await tools[name].up(scenario, dir, id);
        } finally {
          await tools[name].cleanup(scenario, dir, id).catch(() => undefined);
        }
      }
      for (let i = 0; i < RUNS; i++) {
        for (const name of i % 2 === 0 ? names : [...names].reverse()) {
          const id = `benchnew${name.replace(/-/g, '')}${tag}x${i}`;
          try {
            const start = performance.now();
            const cache = await tools[name].up(scenario, dir, id);
            times[name].push((performance.now() - start) / 1000);
            if (cache && name === 'devenv')
              restores.push(`${cache.outcome} ${cache.placement} ${(cache.durationMs / 1000).toFixed(2)} s`);
          } finally {
            await tools[name].cleanup(scenario, dir, id).catch(() => undefined);
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const medians = Object.fromEntries(names.map((name) => [name, median(times[name])]));
    results.push({ scenario: scenario.name, medians, samples: times, dataCache: restores });
    const fmt = (n) => `${n.toFixed(2)} s`;
    console.log(scenario.name);
    for (const name of names)
      console.log(
        `  ${name.padEnd(16)} ${fmt(medians[name])}  ratio to docker-compose ${(medians[name] / medians.compose).toFixed(2)}   runs ${times[name].map(fmt).join(', ')}`,
      );
    console.log(`  devenv's Postgres data: ${restores.join('; ')}`);
  }
  mkdirSync(`${root}bench/results`, { recursive: true });
  writeFileSync(
    `${root}bench/results/new-stack.json`,
    JSON.stringify({ date: new Date().toISOString(), runs: RUNS, results }, null, 2),
  );
}

await main();
