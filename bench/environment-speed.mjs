#!/usr/bin/env node
// `postgres: fast` against dev's durable Postgres, on the example stack.
//
// The example project (templates/example: app + Postgres 15 + Redis 7) copied
// to a temporary directory, given a devenv.yaml with a `test` environment
// (`postgres: fast`), a migrate command and integration tests that write the
// way an app's tests do (many small transactions: one commit per insert, a
// few updates and deletes, reads). It has no tests of its own; these are the
// bench's. Alternating dev and test, N runs each (default 3):
//   `devenv up -d --env E`  (time to a ready stack)
//   `devenv test --integration --env E`  (time of the integration suite,
//     fresh test database from the template included)
//   `devenv down -v --env E`
// Reports medians and the ratio test/dev; writes bench/results/environment-speed.json.
//
// Usage: node bench/environment-speed.mjs [--runs 3]
//        (needs the engine and stand-in images: bash test/support/prepare-engine.sh; psql on the host)
import { execa } from 'execa';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const FILES = 4;
const INSERTS = 1000;
const env = {
  ...process.env,
  POSTGRES_IMAGE: 'devenv-test/postgres:15',
  REDIS_IMAGE: 'devenv-test/redis:7',
  NODE_IMAGE: 'devenv-test/node:20',
  NO_COLOR: '1',
  CI: 'true',
};
const devenvBin = `${root}bin/devenv`;
const branch = `bench-envspeed-${process.pid}`;

async function devenv(dir, args) {
  const start = performance.now();
  const result = await execa(process.execPath, [devenvBin, ...args, '--branch', branch], {
    cwd: dir,
    env,
    reject: false,
    all: true,
  });
  const seconds = (performance.now() - start) / 1000;
  if (result.exitCode !== 0) throw new Error(`devenv ${args.join(' ')} failed:\n${result.all}`);
  return { seconds, output: result.all };
}

function integrationTest(index) {
  return `import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';

const psql = (sql, input) =>
  execFileSync('psql', [process.env.DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-qtA', ...(input ? ['-f', '-'] : ['-c', sql])], {
    input,
  }).toString().trim();

test('orders ${index}: one transaction per write, as the requests of an app make them', () => {
  const inserts = Array.from({ length: ${INSERTS} }, (_, i) =>
    \`insert into orders (customer, total) values ('c\${i % 50}', \${i});\`,
  ).join('\\n');
  psql('', inserts);
  const updates = Array.from({ length: 300 }, (_, i) => \`update orders set total = total + 1 where customer = 'c\${i % 50}';\`).join('\\n');
  psql('', updates);
  psql('', "delete from orders where total % 7 = 0;");
  expect(Number(psql('select count(*) from orders'))).toBeGreaterThan(0);
}, 300_000);
`;
}

function project() {
  const dir = mkdtempSync(join(tmpdir(), 'devenv-bench-envspeed-'));
  cpSync(join(root, 'templates/example'), dir, { recursive: true });
  writeFileSync(
    join(dir, 'devenv.yaml'),
    `environments:
  test:
    postgres: fast
database:
  service: postgres
  migrate: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -c "create table orders (id serial primary key, customer text not null, total int not null); create index on orders (customer)"
`,
  );
  writeFileSync(
    join(dir, 'vitest.config.mjs'),
    `export default { test: { include: ['test/**/*.test.mjs'] } };\n`,
  );
  mkdirSync(join(dir, 'test/integration'), { recursive: true });
  for (let i = 1; i <= FILES; i++)
    writeFileSync(join(dir, `test/integration/orders-${i}.test.mjs`), integrationTest(i));
  return dir;
}

const dir = project();
const figures = { dev: { up: [], tests: [] }, test: { up: [], tests: [] } };
try {
  for (let run = 0; run < RUNS; run++) {
    for (const name of run % 2 === 0 ? ['dev', 'test'] : ['test', 'dev']) {
      const up = await devenv(dir, ['up', '-d', '--env', name]);
      const tests = await devenv(dir, ['test', '--integration', '--env', name]);
      if (!/passed/.test(tests.output)) throw new Error(`no passing tests in:\n${tests.output}`);
      await devenv(dir, ['down', '-v', '--env', name]);
      figures[name].up.push(up.seconds);
      figures[name].tests.push(tests.seconds);
      console.log(
        `run ${run + 1} ${name}: up -d ${up.seconds.toFixed(2)} s, test --integration ${tests.seconds.toFixed(2)} s`,
      );
    }
  }
} finally {
  for (const name of ['dev', 'test'])
    await execa(process.execPath, [devenvBin, 'down', '-v', '--env', name, '--branch', branch], {
      cwd: dir,
      env,
      reject: false,
    });
  rmSync(dir, { recursive: true, force: true });
}

const summary = {
  date: new Date().toISOString(),
  runs: RUNS,
  workload: `${FILES} integration files x (${INSERTS} single-insert transactions + 300 updates + a delete), fresh test database each`,
  dev: { upSeconds: median(figures.dev.up), testSeconds: median(figures.dev.tests) },
  test: { upSeconds: median(figures.test.up), testSeconds: median(figures.test.tests) },
};
summary.ratios = {
  up: summary.test.upSeconds / summary.dev.upSeconds,
  tests: summary.test.testSeconds / summary.dev.testSeconds,
};
console.log(
  `\nmedian of ${RUNS}: dev up ${summary.dev.upSeconds.toFixed(2)} s, tests ${summary.dev.testSeconds.toFixed(2)} s; ` +
    `test (postgres: fast) up ${summary.test.upSeconds.toFixed(2)} s, tests ${summary.test.testSeconds.toFixed(2)} s; ` +
    `ratio test/dev: up ${summary.ratios.up.toFixed(2)}x, tests ${summary.ratios.tests.toFixed(2)}x`,
);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/environment-speed.json'), `${JSON.stringify(summary, null, 2)}\n`);
