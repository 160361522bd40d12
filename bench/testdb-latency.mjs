#!/usr/bin/env node
// Benchmark (not a test): "save of a migration -> integration results on a
// fresh database". For each run: write a new migration, invalidate the
// template (what the watcher's trigger does), lease a copy (the template is
// rebuilt by the project's migrate + seed commands, then cloned) and run a
// trivial integration query that needs the new schema. Also: the first, cold
// build; a lease with unchanged files, taken from the pool of ready copies
// (watch mode's provider) and cloned on the spot (poolSize 0, `devenv test`);
// four leases at once against a pool of two. Each release waits for its drop,
// which the background does after refilling the pool, so the next lease finds
// the pool refilled, as a run a few seconds after the last one does; likewise
// each save waits until the background work of the last rebuild (refills, the
// spare, dropping the old template and copies) is done, and that work's
// duration is reported on its own.
// Targets: a lease with unchanged files under 100 ms, a saved migration to a
// leased copy under 1 s.
//
// Usage: npm run build && node bench/testdb-latency.mjs [--runs 5]
//        (needs the engine and stand-in images: bash test/support/prepare-engine.sh)
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const LEASE_TARGET_MS = 100;
const SAVE_TARGET_MS = 1000;
const env = {
  ...process.env,
  POSTGRES_IMAGE: process.env.DEVENV_OFFICIAL_IMAGES ? 'postgres:15' : 'devenv-test/postgres:15',
  NO_COLOR: '1',
  CI: 'true',
};
const devenvBin = `${root}bin/devenv`;
const { createAppContext } = await import(`${root}dist/cli/app-context.js`);
const { systemClock } = await import(`${root}dist/app/context.js`);
const { resolveStackTarget } = await import(`${root}dist/app/stack-target.js`);
const { createTemplateDatabaseProvider } = await import(`${root}dist/app/testing/template-database.js`);
const version = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version;

const compose = `
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment:
      POSTGRES_USER: user
      POSTGRES_PASSWORD: pass
      POSTGRES_DB: app_dev
      DATABASE_URL: postgresql://user:pass@postgres:5432/app_dev
    ports:
      - "5432:5432"
`;
const database = {
  service: 'postgres',
  urlEnv: 'DATABASE_URL',
  migrate:
    'for f in migrations/*.sql; do psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f "$f" || exit 1; done',
  seed: 'psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f seed/users.sql',
  inputs: [],
};

const ms = (value) => `${Math.round(value)} ms`;

async function query(url, sql) {
  const result = await execa('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    reject: false,
  });
  if (result.exitCode !== 0) throw new Error(`query failed: ${result.stderr}`);
  return result.stdout.trim();
}

const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-testdb-'));
const branch = `bench-testdb-${randomBytes(3).toString('hex')}`;
const write = async (path, text) => {
  await mkdir(join(dir, path, '..'), { recursive: true });
  await writeFile(join(dir, path), text);
};

try {
  await write('compose.yaml', compose);
  await write('migrations/001.sql', 'CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);\n');
  await write(
    'seed/users.sql',
    "INSERT INTO users (name) SELECT 'user ' || n FROM generate_series(1, 1000) AS n;\n",
  );
  const up = await execa(process.execPath, [devenvBin, 'up', '-d', '--branch', branch], {
    cwd: dir,
    env,
    reject: false,
    all: true,
  });
  if (up.exitCode !== 0) throw new Error(`devenv up failed:\n${up.all}`);

  const ctx = createAppContext({
    cwd: dir,
    env,
    clock: systemClock,
    version,
    signal: new AbortController().signal,
    sink: () => undefined,
  });
  // The project's migrate and seed commands, timed apart: what devenv adds is the rest.
  let commandsMs = 0;
  const runCommand = ctx.runCommand;
  ctx.runCommand = async (run) => {
    const t = performance.now();
    try {
      return await runCommand(run);
    } finally {
      commandsMs += performance.now() - t;
    }
  };
  const target = await resolveStackTarget(ctx, { branch });
  const provider = createTemplateDatabaseProvider(ctx, { target, database });
  const noPool = createTemplateDatabaseProvider(ctx, { target, database, poolSize: 0 });
  const signal = new AbortController().signal;

  let start = performance.now();
  const cold = await provider.lease('cold', signal);
  const coldMs = performance.now() - start;
  await cold.release();
  await provider.settled();

  const fromPool = [];
  const cloneOnly = [];
  for (let i = 0; i < RUNS; i++) {
    start = performance.now();
    const lease = await provider.lease(`warm-${i}`, signal);
    fromPool.push(performance.now() - start);
    await lease.release();
    start = performance.now();
    const cloned = await noPool.lease(`clone-${i}`, signal);
    cloneOnly.push(performance.now() - start);
    await cloned.release();
  }

  const burst = [];
  for (let i = 0; i < RUNS; i++) {
    await provider.settled();
    const leases = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const t = performance.now();
        const lease = await provider.lease(`burst-${i}-${n}`, signal);
        burst.push(performance.now() - t);
        return lease;
      }),
    );
    await Promise.all(leases.map((lease) => lease.release()));
  }

  await provider.settled();
  const toLease = [];
  const toQuery = [];
  const background = [];
  const inCommands = [];
  for (let i = 0; i < RUNS; i++) {
    const column = `col_${i}`;
    commandsMs = 0;
    start = performance.now(); // the save
    await write(
      `migrations/${String(i + 2).padStart(3, '0')}.sql`,
      `ALTER TABLE users ADD COLUMN ${column} int;\n`,
    );
    provider.invalidate();
    const lease = await provider.lease(`edit-${i}`, signal);
    const leased = performance.now();
    toLease.push(leased - start);
    inCommands.push(commandsMs);
    const count = await query(lease.env.DATABASE_URL, `SELECT count(${column} IS NULL) FROM users`);
    toQuery.push(performance.now() - start);
    if (count !== '1000') throw new Error(`unexpected result ${count}`);
    await lease.release();
    await provider.settled();
    background.push(performance.now() - leased);
  }

  console.log(`testdb latency (${RUNS} runs, each rebuild runs 2..${RUNS + 1} migrations + a 1000-row seed)`);
  console.log(`  first lease (cold build + clone):          ${ms(coldMs)}`);
  console.log(
    `  lease, files unchanged (from the pool):    median ${ms(median(fromPool))}  [${fromPool.map(ms).join(', ')}]`,
  );
  console.log(
    `  lease, files unchanged (clone, no pool):   median ${ms(median(cloneOnly))}  [${cloneOnly.map(ms).join(', ')}]`,
  );
  console.log(
    `  4 leases at once, pool of 2 (each lease):  median ${ms(median(burst))}  max ${ms(Math.max(...burst))}`,
  );
  console.log(
    `  migration saved -> leased fresh copy:      median ${ms(median(toLease))}  [${toLease.map(ms).join(', ')}]`,
  );
  const devenvPart = toLease.map((total, i) => total - inCommands[i]);
  console.log(
    `    of which migrate + seed commands:       median ${ms(median(inCommands))}  [${inCommands.map(ms).join(', ')}]`,
  );
  console.log(
    `    of which devenv (the rest):             median ${ms(median(devenvPart))}  [${devenvPart.map(ms).join(', ')}]`,
  );
  console.log(
    `  migration saved -> integration query done: median ${ms(median(toQuery))}  [${toQuery.map(ms).join(', ')}]`,
  );
  console.log(
    `  after a rebuild, lease -> background done: median ${ms(median(background))}  [${background.map(ms).join(', ')}]`,
  );
  console.log(
    `  targets: lease unchanged < ${ms(LEASE_TARGET_MS)} ${median(fromPool) < LEASE_TARGET_MS ? 'met' : 'NOT met'}; ` +
      `save -> leased copy < ${ms(SAVE_TARGET_MS)} ${median(toLease) < SAVE_TARGET_MS ? 'met' : 'NOT met'} (builds: ${provider.builds})`,
  );
  await Promise.all([provider.close(), noPool.close()]);
} finally {
  await execa(process.execPath, [devenvBin, 'down', '--volumes', '--branch', branch], {
    cwd: dir,
    env,
    reject: false,
  });
  await rm(dir, { recursive: true, force: true });
}
