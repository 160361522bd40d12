#!/usr/bin/env node
// Benchmark (not a test): "save of a migration -> integration results on a
// fresh database". For each run: write a new migration, invalidate the
// template (what the watcher's trigger does), lease a copy (the template is
// rebuilt by the project's migrate + seed commands, then cloned) and run a
// trivial integration query that needs the new schema. Also: a lease with
// unchanged files (clone only) and the first, cold build. Target: under 5 s
// from save to a leased fresh copy.
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

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const TARGET_MS = 5000;
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

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
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
  const target = await resolveStackTarget(ctx, { branch });
  const provider = createTemplateDatabaseProvider(ctx, { target, database });
  const signal = new AbortController().signal;

  let start = performance.now();
  const cold = await provider.lease('cold', signal);
  const coldMs = performance.now() - start;
  await cold.release();

  const cloneOnly = [];
  for (let i = 0; i < RUNS; i++) {
    start = performance.now();
    const lease = await provider.lease(`warm-${i}`, signal);
    cloneOnly.push(performance.now() - start);
    await lease.release();
  }

  const toLease = [];
  const toQuery = [];
  for (let i = 0; i < RUNS; i++) {
    const column = `col_${i}`;
    start = performance.now(); // the save
    await write(
      `migrations/${String(i + 2).padStart(3, '0')}.sql`,
      `ALTER TABLE users ADD COLUMN ${column} int;\n`,
    );
    provider.invalidate();
    const lease = await provider.lease(`edit-${i}`, signal);
    toLease.push(performance.now() - start);
    const count = await query(lease.env.DATABASE_URL, `SELECT count(${column} IS NULL) FROM users`);
    toQuery.push(performance.now() - start);
    if (count !== '1000') throw new Error(`unexpected result ${count}`);
    await lease.release();
  }

  console.log(`testdb latency (${RUNS} runs, each rebuild runs 2..${RUNS + 1} migrations + a 1000-row seed)`);
  console.log(`  first lease (cold build + clone):          ${ms(coldMs)}`);
  console.log(
    `  lease, files unchanged (clone only):       median ${ms(median(cloneOnly))}  [${cloneOnly.map(ms).join(', ')}]`,
  );
  console.log(
    `  migration saved -> leased fresh copy:      median ${ms(median(toLease))}  [${toLease.map(ms).join(', ')}]`,
  );
  console.log(
    `  migration saved -> integration query done: median ${ms(median(toQuery))}  [${toQuery.map(ms).join(', ')}]`,
  );
  console.log(
    `  target ${ms(TARGET_MS)}: ${median(toQuery) < TARGET_MS ? 'met' : 'NOT met'} (builds: ${provider.builds})`,
  );
} finally {
  await execa(process.execPath, [devenvBin, 'down', '--volumes', '--branch', branch], {
    cwd: dir,
    env,
    reject: false,
  });
  await rm(dir, { recursive: true, force: true });
}
