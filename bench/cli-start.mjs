#!/usr/bin/env node
// How long a devenv command takes before it does its own work: process start,
// module loading, the compose template and the engine connection. Wall time of
// short commands, this build against another (`--before DIR`: a devenv built in
// DIR, e.g. a worktree of an older commit with `npm run build`), alternating, N
// runs each (default 15), medians and the ratio; wall time and the CPU time the
// process used (user + system, from /usr/bin/time: steadier than wall time on a
// loaded machine).
//
//   --version   node start and the CLI's entry alone
//   config      + the compose template loaded, interpolated and validated
//   ls          + the engine connected (dockerode loaded) and asked for stacks
//
// Usage: npm run build && node bench/cli-start.mjs --before DIR [--runs 15]
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag as arg } from './support/argv.mjs';
import { median } from './support/median.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const RUNS = Number(arg('--runs') ?? 15);
const before = arg('--before');
const project = mkdtempSync(join(tmpdir(), 'devenv-bench-start-'));
writeFileSync(
  join(project, 'compose.yaml'),
  'services:\n  db:\n    image: devenv-test/postgres:15\n    environment:\n      POSTGRES_PASSWORD: pass\n    ports: ["5432"]\n  cache:\n    image: devenv-test/redis:7\n',
);
const builds = { now: root, ...(before ? { before } : {}) };
const commands = { '--version': ['--version'], config: ['config'], ls: ['ls'] };

async function timed(dir, args) {
  const start = performance.now();
  const result = await execa(
    '/usr/bin/time',
    ['-f', 'BENCH-CPU %U %S', process.execPath, join(dir, 'bin/devenv'), ...args],
    { cwd: project, reject: false, env: { ...process.env, NO_COLOR: '1' } },
  );
  const wall = performance.now() - start;
  if (result.exitCode !== 0) throw new Error(`${dir}: devenv ${args.join(' ')} failed: ${result.stderr}`);
  const [, user, system] = /BENCH-CPU ([\d.]+) ([\d.]+)/.exec(String(result.stderr)) ?? [];
  return { wall, cpu: (Number(user) + Number(system)) * 1000 };
}

console.log(`devenv command wall time, ${RUNS} runs each, alternating (ms)`);
for (const [name, args] of Object.entries(commands)) {
  const samples = Object.fromEntries(Object.keys(builds).map((b) => [b, { wall: [], cpu: [] }]));
  await timed(root, args); // warm the file cache
  for (let run = 0; run < RUNS; run++) {
    const order = run % 2 ? Object.entries(builds).reverse() : Object.entries(builds);
    for (const [build, dir] of order) {
      const { wall, cpu } = await timed(dir, args);
      samples[build].wall.push(wall);
      samples[build].cpu.push(cpu);
    }
  }
  for (const measure of ['wall', 'cpu']) {
    const now = median(samples.now[measure]);
    const line = [`  ${name.padEnd(10)} ${measure.padEnd(4)} now ${now.toFixed(0)}`];
    if (before) {
      const was = median(samples.before[measure]);
      line.push(`before ${was.toFixed(0)}  ratio ${(now / was).toFixed(2)}`);
    }
    console.log(line.join('  '));
  }
}
rmSync(project, { recursive: true, force: true });
