#!/usr/bin/env node
// Onboarding: from `devenv init` to the first green `devenv test --all` of a new
// node-postgres-redis project, each phase timed: init, npm install (host, from npm's
// cache when it has the packages), devenv up -d (builds the app image when absent),
// devenv test --all (unit + integration on a fresh test database).
//
//   absent:  the app image does not exist yet (built locally from the Dockerfile)
//   present: a second project of the same name and content: the image is found by
//            its content hash and reused
//
// Targets: under 5 minutes with the image built locally, under 60 s with it present.
// Prints a table and writes bench/results/onboarding-<time>.json. Stacks are removed at the end.
//
// Usage: npm run build && node bench/onboarding.mjs
//        (needs the engine and stand-in images: bash test/support/prepare-engine.sh)
import { execa } from 'execa';
import Docker from 'dockerode';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const devenvBin = `${root}bin/devenv`;
const NAME = 'onboard-bench';
const env = {
  ...process.env,
  POSTGRES_IMAGE: 'devenv-test/postgres:15',
  REDIS_IMAGE: 'devenv-test/redis:7',
  NODE_IMAGE: 'devenv-test/node:20',
  NO_COLOR: '1',
  CI: 'true',
};
const docker = new Docker();

async function timed(label, file, args, cwd) {
  const start = performance.now();
  const result = await execa(file, args, { cwd, env, reject: false, all: true });
  const seconds = (performance.now() - start) / 1000;
  if (result.exitCode !== 0) {
    console.error(result.all);
    throw new Error(`${label} failed (exit ${result.exitCode})`);
  }
  return seconds;
}

async function removeAppImages() {
  const images = await docker.listImages();
  for (const image of images)
    if ((image.RepoTags ?? []).some((tag) => tag.startsWith(`devenv/${NAME}-app:`)))
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
}

async function onboard(scenario, parent) {
  const branch = `bench-onboard-${scenario}`;
  const dir = join(parent, scenario);
  const phases = {};
  phases.init = await timed(
    'init',
    process.execPath,
    [devenvBin, 'init', 'node-postgres-redis', dir, '--name', NAME],
    parent,
  );
  phases['npm install'] = await timed(
    'npm install',
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund'],
    dir,
  );
  phases['devenv up -d'] = await timed(
    'up',
    process.execPath,
    [devenvBin, 'up', '-d', '--branch', branch],
    dir,
  );
  phases['devenv test --all'] = await timed(
    'test',
    process.execPath,
    [devenvBin, 'test', '--all', '--branch', branch],
    dir,
  );
  const total = Object.values(phases).reduce((sum, s) => sum + s, 0);
  return { scenario, dir, branch, phases, total };
}

const parent = mkdtempSync(join(tmpdir(), 'devenv-onboarding-'));
const runs = [];
try {
  await removeAppImages();
  runs.push(await onboard('absent', parent));
  runs.push(await onboard('present', parent));
} finally {
  for (const run of runs)
    await execa(process.execPath, [devenvBin, 'down', '--volumes', '--branch', run.branch], {
      cwd: run.dir,
      env,
      reject: false,
    });
  rmSync(parent, { recursive: true, force: true });
}

const targets = { absent: 300, present: 60 };
const phaseNames = Object.keys(runs[0].phases);
const rows = [
  ['phase', ...runs.map((run) => `image ${run.scenario}`)],
  ...phaseNames.map((phase) => [phase, ...runs.map((run) => `${run.phases[phase].toFixed(1)} s`)]),
  ['total', ...runs.map((run) => `${run.total.toFixed(1)} s`)],
  [
    'target',
    ...runs.map(
      (run) => `< ${targets[run.scenario]} s ${run.total < targets[run.scenario] ? 'met' : 'MISSED'}`,
    ),
  ],
];
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));

mkdirSync(join(root, 'bench/results'), { recursive: true });
const out = join(root, 'bench/results', `onboarding-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  out,
  JSON.stringify(
    { when: new Date().toISOString(), cpus: (await import('node:os')).cpus().length, runs, targets },
    null,
    2,
  ),
);
console.log(`written ${out}`);
