#!/usr/bin/env node
// Benchmark (not a test): getting a ~100 MB database back to a known state, on a real
// stack (devenv up -d, stand-in Postgres 15, durability settings as shipped: fsync on).
// The project's migrate + seed (psql from the host) build the 100 MB; then, N runs each,
// medians, after writing a row that the restore must take away:
//
//   snapshot restore    `devenv db snapshot restore base` as a user runs it (wall time of the
//                       command), and the swap inside it (the event's durationMs: close the
//                       database, end its connections, rename it aside, rename the ready copy
//                       into place). Each run waits until the background refill has made the
//                       next ready copy (`ls --json`: ready), as a restore a while after the last does.
//   (any command)       `devenv env --json` timed just before each restore: what any devenv
//                       command that reads the template and asks the engine costs on this machine
//                       (node start, modules, template, engine), the floor under the restore command.
//   clone restore       the same command when no ready copy exists (dropped first): the snapshot
//                       is cloned into place (CREATE DATABASE ... TEMPLATE) while the command waits.
//   data-dir restore    the other way to keep a snapshot, measured for the choice: stop the
//                       Postgres container, a helper container (network none) empties the data
//                       volume and `cp -a`s a copy of the data directory into it, start, wait until
//                       Postgres answers.
//   migrate + seed      what a reset costs without snapshots: DROP DATABASE, CREATE DATABASE, the
//                       project's migrate and seed commands.
//
// Usage: npm run build && node bench/db-snapshot.mjs [--runs 3] [--rows 700000]
//        (needs the engine and stand-in images: bash test/support/prepare-engine.sh)
import Docker from 'dockerode';
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { numberFlag } from './support/argv.mjs';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = numberFlag;
const RUNS = arg('--runs', 3);
const ROWS = arg('--rows', 700_000);
const IMAGE = process.env.DEVENV_OFFICIAL_IMAGES ? 'postgres:15' : 'devenv-test/postgres:15';
const env = { ...process.env, POSTGRES_IMAGE: IMAGE, NO_COLOR: '1', CI: 'true' };
const branch = `bench-snapshot-${process.pid}`;
const docker = new Docker();
const BENCH_LABEL = { 'dev.devenv.bench': branch };

const compose = `
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment:
      POSTGRES_USER: user
      POSTGRES_PASSWORD: pass
      POSTGRES_DB: shop_dev
      DATABASE_URL: postgresql://user:pass@postgres:5432/shop_dev
    ports:
      - "5432:5432"
`;
const migrate = `psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f migrations/001_orders.sql`;
const seed = `psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f seed/orders.sql`;
const devenvYaml = `database:\n  service: postgres\n  migrate: ${migrate}\n  seed: ${seed}\n`;
const migration = `
CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigint PRIMARY KEY, customer bigint NOT NULL REFERENCES customers, note text NOT NULL, placed timestamptz NOT NULL);
CREATE INDEX orders_customer ON orders (customer);
`;
const seedSql = `
INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, 10000) g;
INSERT INTO orders SELECT g, 1 + g % 10000, md5(g::text) || md5((g * 7)::text), now() - g * interval '1 minute'
  FROM generate_series(1, ${ROWS}) g;
ANALYZE;
`;

const ms = (value) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`);

async function devenv(dir, args) {
  const result = await execa(process.execPath, [`${root}bin/devenv`, ...args, '--branch', branch], {
    cwd: dir,
    env,
    reject: false,
  });
  if (result.exitCode !== 0)
    throw new Error(`devenv ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

async function query(url, text) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

async function timed(work) {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function waitReady(dir) {
  for (let i = 0; i < 600; i++) {
    const listed = JSON.parse(await devenv(dir, ['db', 'snapshot', 'ls', '--json']));
    if (listed.snapshots.every((s) => s.ready)) return;
    await sleep(250);
  }
  throw new Error('the ready copy never came');
}

async function ordersCount(url) {
  return Number((await query(url, 'SELECT count(*) AS n FROM orders'))[0].n);
}

async function answers(url) {
  for (const started = performance.now(); performance.now() - started < 60_000;) {
    try {
      await query(url, 'SELECT 1');
      return;
    } catch {
      await sleep(20);
    }
  }
  throw new Error('postgres did not come back');
}

async function helper(mounts, script) {
  const container = await docker.createContainer({
    Image: IMAGE,
    Entrypoint: ['sh', '-c'],
    Cmd: [script],
    Labels: BENCH_LABEL,
    HostConfig: { Mounts: mounts, NetworkMode: 'none' },
  });
  await container.start();
  const result = await container.wait();
  await container.remove({ force: true, v: true });
  if (result.StatusCode !== 0) throw new Error(`helper exited ${result.StatusCode}: ${script}`);
}

const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-snapshot-'));
const results = {};
let stack;
let snapshotVolume;
try {
  await mkdir(join(dir, 'migrations'));
  await mkdir(join(dir, 'seed'));
  await writeFile(join(dir, 'compose.yaml'), compose);
  await writeFile(join(dir, 'devenv.yaml'), devenvYaml);
  await writeFile(join(dir, 'migrations/001_orders.sql'), migration);
  await writeFile(join(dir, 'seed/orders.sql'), seedSql);
  await devenv(dir, ['up', '-d']);
  const stackEnv = JSON.parse(await devenv(dir, ['env', '--json']));
  stack = stackEnv.DEVENV_STACK;
  const url = stackEnv.DATABASE_URL;
  const adminUrl = url.replace(/\/shop_dev$/, '/postgres');
  const hostEnv = { ...env, DATABASE_URL: url };
  const migrateAndSeed = async () => {
    await query(adminUrl, 'DROP DATABASE IF EXISTS shop_dev WITH (FORCE)');
    await query(adminUrl, 'CREATE DATABASE shop_dev');
    await execa('sh', ['-c', migrate], { cwd: dir, env: hostEnv });
    await execa('sh', ['-c', seed], { cwd: dir, env: hostEnv });
  };
  await migrateAndSeed();
  const size = Number((await query(url, `SELECT pg_database_size('shop_dev') AS s`))[0].s);
  console.log(
    `database shop_dev: ${(size / 1e6).toFixed(1)} MB (${ROWS} orders), stack ${stack}, image ${IMAGE}`,
  );
  const rows = await ordersCount(url);

  const save = await timed(() => devenv(dir, ['db', 'snapshot', 'save', 'base']));
  console.log(`snapshot save: ${ms(save.ms)} (${save.value.trim()})`);
  const saveToReady = await timed(() => waitReady(dir));
  console.log(`  its ready copy, made in the background, was there ${ms(saveToReady.ms)} later`);

  results.snapshot = { command: [], swap: [], floor: [] };
  results.clone = { command: [], swap: [] };
  for (let run = 0; run < RUNS; run++) {
    await query(url, `INSERT INTO customers VALUES (-1, 'written after the snapshot')`);
    results.snapshot.floor.push((await timed(() => devenv(dir, ['env', '--json']))).ms);
    const restored = await timed(() => devenv(dir, ['db', 'snapshot', 'restore', 'base', '--json']));
    const event = JSON.parse(restored.value.trim().split('\n').at(-1));
    if (event.via !== 'ready-copy') throw new Error(`expected a ready copy, got ${event.via}`);
    if ((await query(url, 'SELECT count(*) AS n FROM customers WHERE id = -1'))[0].n !== '0')
      throw new Error('restore left the row written after the snapshot');
    results.snapshot.command.push(restored.ms);
    results.snapshot.swap.push(event.durationMs);
    console.log(`snapshot restore #${run + 1}: command ${ms(restored.ms)}, swap ${ms(event.durationMs)}`);
    await waitReady(dir);
  }
  const readyName = (
    await query(adminUrl, `SELECT datname FROM pg_database WHERE datname LIKE 'devenv\\_snapr\\_%'`)
  )[0].datname;
  for (let run = 0; run < RUNS; run++) {
    await query(adminUrl, `DROP DATABASE IF EXISTS "${readyName}" WITH (FORCE)`);
    await query(url, `INSERT INTO customers VALUES (-1, 'written after the snapshot')`);
    const restored = await timed(() => devenv(dir, ['db', 'snapshot', 'restore', 'base', '--json']));
    const event = JSON.parse(restored.value.trim().split('\n').at(-1));
    if (event.via !== 'clone') throw new Error(`expected a clone, got ${event.via}`);
    results.clone.command.push(restored.ms);
    results.clone.swap.push(event.durationMs);
    console.log(`clone restore #${run + 1}: command ${ms(restored.ms)}, clone ${ms(event.durationMs)}`);
    await waitReady(dir);
  }

  // The data directory: the stack's Postgres container and the volume its PGDATA is on.
  const [container] = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`dev.devenv.stack=${stack}`, 'dev.devenv.service=postgres'] }),
  });
  const info = await docker.getContainer(container.Id).inspect();
  const dataVolume = info.Mounts.find(
    (m) => m.Type === 'volume' && m.Destination.startsWith('/var/lib/postgresql'),
  ).Name;
  const pg15 = docker.getContainer(container.Id);
  snapshotVolume = `${stack}_bench-datadir-snapshot`;
  await docker.createVolume({ Name: snapshotVolume, Labels: BENCH_LABEL });
  const volumes = (from, to) => [
    { Type: 'volume', Source: from, Target: '/from' },
    { Type: 'volume', Source: to, Target: '/to' },
  ];
  const dataSave = await timed(async () => {
    await pg15.stop({ t: 10 });
    await helper(volumes(dataVolume, snapshotVolume), 'cp -a /from/. /to/');
    await pg15.start();
    await answers(url);
  });
  console.log(`data-dir save: ${ms(dataSave.ms)}`);
  results.datadir = { total: [], stop: [], copy: [], start: [] };
  for (let run = 0; run < RUNS; run++) {
    await query(url, `INSERT INTO customers VALUES (-1, 'written after the snapshot')`);
    const stop = await timed(() => pg15.stop({ t: 10 }));
    const copy = await timed(() =>
      helper(volumes(snapshotVolume, dataVolume), 'find /to -mindepth 1 -delete && cp -a /from/. /to/'),
    );
    const start = await timed(async () => {
      await pg15.start();
      await answers(url);
    });
    if ((await query(url, 'SELECT count(*) AS n FROM customers WHERE id = -1'))[0].n !== '0')
      throw new Error('data-dir restore left the row written after the snapshot');
    const total = stop.ms + copy.ms + start.ms;
    for (const [key, value] of Object.entries({ total, stop: stop.ms, copy: copy.ms, start: start.ms }))
      results.datadir[key].push(value);
    console.log(
      `data-dir restore #${run + 1}: ${ms(total)} (stop ${ms(stop.ms)}, copy ${ms(copy.ms)}, start until it answers ${ms(start.ms)})`,
    );
  }

  results.migrate = [];
  for (let run = 0; run < RUNS; run++) {
    const rebuilt = await timed(migrateAndSeed);
    if ((await ordersCount(url)) !== rows) throw new Error('migrate + seed made another database');
    results.migrate.push(rebuilt.ms);
    console.log(`drop + migrate + seed #${run + 1}: ${ms(rebuilt.ms)}`);
  }

  const m = {
    command: median(results.snapshot.command),
    swap: median(results.snapshot.swap),
    clone: median(results.clone.command),
    cloneSwap: median(results.clone.swap),
    datadir: median(results.datadir.total),
    migrate: median(results.migrate),
  };
  console.log(
    `\nmedians of ${RUNS} (${(size / 1e6).toFixed(1)} MB database, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}):`,
  );
  console.log(
    `  snapshot restore (ready copy)  command ${ms(m.command)}, swap ${ms(m.swap)}; \`devenv env\` meanwhile ${ms(median(results.snapshot.floor))}`,
  );
  console.log(`  snapshot restore (clone)       command ${ms(m.clone)}, clone ${ms(m.cloneSwap)}`);
  console.log(
    `  data-dir restore               ${ms(m.datadir)} (stop ${ms(median(results.datadir.stop))}, copy ${ms(median(results.datadir.copy))}, start ${ms(median(results.datadir.start))})`,
  );
  console.log(`  drop + migrate + seed          ${ms(m.migrate)}`);
  console.log(
    `  ratio: migrate + seed / snapshot restore = ${(m.migrate / m.command).toFixed(1)}x (command), ${(m.migrate / m.swap).toFixed(0)}x (swap)`,
  );
} finally {
  await devenv(dir, ['down', '-v']).catch((error) => console.error(String(error)));
  if (snapshotVolume)
    await docker
      .getVolume(snapshotVolume)
      .remove()
      .catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
