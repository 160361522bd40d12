#!/usr/bin/env node
// `devenv db anonymize` against the article's anonymize_prod_data.sh, on the same dump.
//
// The dump: the article's database (test/fixtures/anonymize/article-db.sql) with
// --users N users (default 1,000,000) and the other tables in proportion
// (companies N/100, payment_methods N, audit_logs N, sessions N/2), made once in a
// Postgres container and dumped with pg_dump -Fc (kept in --work DIR for later runs).
//
// devenv: `devenv db anonymize --from prod.dump --rules anonymize.yaml --out ...`,
// end to end as a user runs it (scratch Postgres from the data cache, restore,
// fail-closed coverage and content sampling, masking, the checks, stamp, pg_dump,
// file out, cleanup), timed from the command's start to its exit.
//
// The article: its SQL, verbatim, through psql on the same dump restored in a
// Postgres container of the same image with the same server settings (devenv's
// scratch settings, imported from dist/); then pg_dump -Fc and the file copied
// out, so both end with a dump. Timed: copy in, createdb + pg_restore, the SQL
// (VACUUM included), pg_dump, copy out; and, apart, the server's start (docker
// run to ready, initdb included: the script needs a server to run on, devenv
// starts its own) and its removal. Both ratios are printed: devenv against the
// article's work alone (its server already running, as if for free), and against
// the article's work with its server's start and removal (devenv's own are always
// counted: they are part of the command).
//
// This machine is shared, and wall time swings with the load: the bench also
// measures the CPU the Postgres containers use for the work (cgroup v1 cpuacct,
// from the server's readiness to the end; devenv's own process added), runs
// both alternately (--runs N) and reports medians.
//
// Prints both, per phase, and the ratios devenv / article; writes
// bench/results/anonymize.json. Usage:
//   npm run build && node bench/anonymize.mjs [--users 1000000] [--runs 1] [--work /tmp/devenv-bench-anonymize]
//   (needs the engine and the stand-in images: bash test/support/prepare-engine.sh)
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCRATCH_SETTINGS } from '../dist/app/anonymize/scratch-postgres.js';
import { flag } from './support/argv.mjs';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => flag(`--${name}`, fallback);
const USERS = Number(arg('users', '1000000'));
const RUNS = Number(arg('runs', '1'));
const WORK = arg('work', '/tmp/devenv-bench-anonymize');
const IMAGE = 'devenv-test/postgres:15';
const LABEL = `dev.devenv.bench=anonymize-${process.pid}`;
const env = { ...process.env, NO_COLOR: '1', CI: 'true' };

const ARTICLE_SQL = `-- Anonymize users
UPDATE users SET
email = 'user' || id || '@test.example.com',
phone = '555-0000',
first_name = 'Test',
last_name = 'User'
WHERE true;
-- Clear payment information
DELETE FROM payment_methods;
-- Truncate audit logs older than 90 days
DELETE FROM audit_logs WHERE created_at < now() - interval '90 days';
-- Reset authentication tokens
UPDATE sessions SET token = NULL, expires_at = now();
-- Update company addresses
UPDATE companies SET
street = '123 Test St',
city = 'Test City',
state = 'TS',
zip = '12345'
WHERE true;
-- Vacuum to reclaim space
VACUUM;
`;

const RULES = readFileSync(join(root, 'test/fixtures/anonymize/article-rules.yaml'), 'utf8');

const seconds = (ms) => Number((ms / 1000).toFixed(2));

/** CPU time (ns) a container has used so far, from cgroup v1's cpuacct; undefined when it is gone. */
function containerCpu(id) {
  for (const path of [
    `/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`,
    `/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`,
  ]) {
    try {
      const text = readFileSync(path, 'utf8');
      const usec = /usage_usec (\d+)/.exec(text);
      return usec ? Number(usec[1]) * 1000 : Number(text.trim());
    } catch {
      // not this layout
    }
  }
  return undefined;
}
const docker = (args, options = {}) => execa('docker', args, { env, ...options });

async function postgres(name) {
  const { stdout } = await docker([
    'run',
    '-d',
    '--name',
    name,
    '--label',
    LABEL,
    '--shm-size',
    '512m',
    '--network',
    'none',
    '-e',
    'POSTGRES_PASSWORD=bench',
    IMAGE,
    'postgres',
    ...SCRATCH_SETTINGS.flatMap((setting) => ['-c', setting]),
  ]);
  const { stdout: full } = await docker(['inspect', '--format', '{{.Id}}', stdout.trim()]);
  const id = full.trim();
  for (let i = 0; ; i++) {
    const ready = await docker(['exec', id, 'pg_isready', '-q', '-h', '127.0.0.1'], { reject: false });
    if (ready.exitCode === 0) return id;
    if (i > 1200) throw new Error(`${name} did not start`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const psql = (id, database, args, options) =>
  docker(
    [
      'exec',
      '-i',
      '-u',
      'postgres',
      id,
      'psql',
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-d',
      database,
      ...args,
    ],
    options,
  );

async function makeDump(dump) {
  const id = await postgres(`devenv-bench-anonymize-source-${process.pid}`);
  try {
    const started = performance.now();
    await docker(['exec', '-u', 'postgres', id, 'createdb', 'prod']);
    const fixture = readFileSync(join(root, 'test/fixtures/anonymize/article-db.sql'), 'utf8');
    await psql(id, 'prod', ['-v', `users=${USERS}`, '-f', '-'], { input: fixture });
    await docker(['exec', '-u', 'postgres', id, 'pg_dump', '-Fc', '-f', '/tmp/prod.dump', 'prod']);
    await docker(['cp', `${id}:/tmp/prod.dump`, dump]);
    console.log(`dump of ${USERS} users made in ${seconds(performance.now() - started)} s`);
  } finally {
    await docker(['rm', '-f', '-v', id], { reject: false });
  }
}

async function article(dump, out) {
  const starting = performance.now();
  const id = await postgres(`devenv-bench-anonymize-article-${process.pid}`);
  const serverStart = seconds(performance.now() - starting);
  const cpuAtStart = containerCpu(id) ?? 0;
  let result;
  try {
    const phases = {};
    const time = async (phase, work) => {
      const at = performance.now();
      await work();
      phases[phase] = seconds(performance.now() - at);
    };
    const started = performance.now();
    const cpuBefore = containerCpu(id) ?? 0;
    await time('copy in', () => docker(['cp', dump, `${id}:/tmp/prod.dump`]));
    await time('restore', async () => {
      await docker(['exec', '-u', 'postgres', id, 'createdb', 'staging_db']);
      await docker([
        'exec',
        '-u',
        'postgres',
        id,
        'pg_restore',
        '--no-owner',
        '--no-privileges',
        '--exit-on-error',
        '-d',
        'staging_db',
        '/tmp/prod.dump',
      ]);
    });
    await time('article SQL', () => psql(id, 'staging_db', ['-f', '-'], { input: ARTICLE_SQL }));
    await time('pg_dump', () =>
      docker([
        'exec',
        '-u',
        'postgres',
        id,
        'pg_dump',
        '-Fc',
        '--no-owner',
        '--no-privileges',
        '-f',
        '/tmp/out.dump',
        'staging_db',
      ]),
    );
    await time('copy out', () => docker(['cp', `${id}:/tmp/out.dump`, out]));
    const used = containerCpu(id) ?? 0;
    result = {
      seconds: seconds(performance.now() - started),
      cpuSeconds: Number(((used - cpuBefore) / 1e9).toFixed(2)),
      phases,
      // The server's start (initdb included) and removal, counted apart.
      serverStartCpuSeconds: Number((cpuAtStart / 1e9).toFixed(2)),
    };
  } finally {
    const removing = performance.now();
    await docker(['rm', '-f', '-v', id], { reject: false });
    if (result !== undefined) {
      result.phases['server start'] = serverStart;
      result.phases['server removal'] = seconds(performance.now() - removing);
      result.withServer = {
        seconds: Number((result.seconds + serverStart + result.phases['server removal']).toFixed(2)),
        cpuSeconds: Number((result.cpuSeconds + result.serverStartCpuSeconds).toFixed(2)),
      };
    }
  }
  return result;
}

async function devenv(dir, out) {
  const started = performance.now();
  // The scratch server's CPU, read while it lives (it is gone when the command ends): its cgroup
  // file every 250 ms (a read, no process), the engine asked for new containers every 2 s only (a
  // docker CLI every 250 ms cost this 2-core machine a good part of a core, during devenv's run
  // alone: it made devenv slower than it is).
  const cpu = new Map();
  let asking = false;
  const ask = async () => {
    if (asking) return;
    asking = true;
    const { stdout } = await docker(
      ['ps', '-q', '--no-trunc', '--filter', 'label=dev.devenv.project=devenv-anonymize'],
      { reject: false },
    );
    for (const id of stdout.split('\n').filter(Boolean)) if (!cpu.has(id)) cpu.set(id, 0);
    asking = false;
  };
  let ticks = 0;
  const poll = setInterval(() => {
    if (ticks++ % 8 === 0 || cpu.size === 0) void ask();
    for (const [id, seen] of cpu) {
      const used = containerCpu(id);
      if (used !== undefined) cpu.set(id, Math.max(seen, used));
    }
  }, 250);
  const result = await execa(
    '/usr/bin/time',
    [
      '-f',
      'devenv-cpu %U %S',
      process.execPath,
      join(root, 'bin/devenv'),
      'db',
      'anonymize',
      '--from',
      'prod.dump',
      '--rules',
      'anonymize.yaml',
      '--out',
      out,
      '--report',
      'report.json',
      '--json',
    ],
    { cwd: dir, env: { ...env, DEVENV_ANONYMIZE_IMAGE: IMAGE }, reject: false },
  );
  clearInterval(poll);
  const total = seconds(performance.now() - started);
  if (result.exitCode !== 0)
    throw new Error(`devenv db anonymize failed:\n${result.stdout}\n${result.stderr}`);
  const own = /devenv-cpu ([0-9.]+) ([0-9.]+)/.exec(result.stderr);
  const cpuSeconds =
    [...cpu.values()].reduce((sum, ns) => sum + ns, 0) / 1e9 + (own ? Number(own[1]) + Number(own[2]) : 0);
  const phases = {};
  for (const line of result.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line);
    if (event.type === 'anonymize.step' && event.state === 'done')
      phases[event.step] = seconds(event.durationMs);
  }
  return { seconds: total, cpuSeconds: Number(cpuSeconds.toFixed(2)), phases };
}

mkdirSync(WORK, { recursive: true });
const dump = join(WORK, `prod-${USERS}.dump`);
if (!existsSync(dump)) await makeDump(dump);
writeFileSync(join(WORK, 'prod.dump.path'), dump);
rmSync(join(WORK, 'prod.dump'), { force: true });
await execa('ln', ['-s', dump, join(WORK, 'prod.dump')]);
writeFileSync(join(WORK, 'anonymize.yaml'), RULES);
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const runs = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const loadBefore = load();
    // Alternate which goes first, so neither always meets the same moment of the machine's load.
    const order = run % 2 === 0 ? ['article', 'devenv'] : ['devenv', 'article'];
    const results = {};
    for (const which of order)
      results[which] =
        which === 'article'
          ? await article(dump, join(WORK, 'article.dump'))
          : await devenv(WORK, 'anonymized.dump');
    const { article: baseline, devenv: ours } = results;
    const ratio = (a, b) => Number((a / b).toFixed(2));
    runs.push({
      article: baseline,
      devenv: ours,
      ratio: ratio(ours.seconds, baseline.seconds),
      cpuRatio: ratio(ours.cpuSeconds, baseline.cpuSeconds),
      ratioWithServer: ratio(ours.seconds, baseline.withServer.seconds),
      cpuRatioWithServer: ratio(ours.cpuSeconds, baseline.withServer.cpuSeconds),
      load: loadBefore,
      loadAfter: load(),
    });
    const last = runs.at(-1);
    console.log(
      `run ${run + 1}: article ${baseline.seconds} s (cpu ${baseline.cpuSeconds} s) without its server's start and removal, ${baseline.withServer.seconds} s (cpu ${baseline.withServer.cpuSeconds} s) with them ${JSON.stringify(baseline.phases)}`,
    );
    console.log(`       devenv  ${ours.seconds} s (cpu ${ours.cpuSeconds} s) ${JSON.stringify(ours.phases)}`);
    console.log(
      `       devenv/article, the article's server free: wall ${last.ratio}, cpu ${last.cpuRatio}; its server's start and removal counted: wall ${last.ratioWithServer}, cpu ${last.cpuRatioWithServer} (load average before: ${loadBefore}, after: ${last.loadAfter})`,
    );
  }
} finally {
  const { stdout } = await docker(['ps', '-aq', '--filter', `label=${LABEL}`]);
  if (stdout.trim() !== '') await docker(['rm', '-f', '-v', ...stdout.trim().split('\n')], { reject: false });
}
const summary = {
  users: USERS,
  dumpBytes: statSync(dump).size,
  outputBytes: {
    devenv: statSync(join(WORK, 'anonymized.dump')).size,
    article: statSync(join(WORK, 'article.dump')).size,
  },
  runs,
  medianRatio: median(runs.map((r) => r.ratio)),
  medianCpuRatio: median(runs.map((r) => r.cpuRatio)),
  medianRatioWithServer: median(runs.map((r) => r.ratioWithServer)),
  medianCpuRatioWithServer: median(runs.map((r) => r.cpuRatioWithServer)),
  cpus: (await import('node:os')).cpus().length,
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/anonymize.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(
  `median devenv/article, the article's server free: wall ${summary.medianRatio}, cpu ${summary.medianCpuRatio}; its server's start and removal counted: wall ${summary.medianRatioWithServer}, cpu ${summary.medianCpuRatioWithServer} (bench/results/anonymize.json)`,
);
