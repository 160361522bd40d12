#!/usr/bin/env node
// Leaks under repetition, measured (not a test; on demand, not in CI):
//
//   (a) N `up -d` / `down -v` cycles of one Postgres+Redis stack (default 50).
//       After each cycle: the stack's labelled leftovers (containers, networks,
//       volumes; must stay 0), the engine's object counts (containers,
//       networks, volumes, images: engine-wide, so other users of the engine
//       show up too), devenv processes left running in the project (must stay
//       0), devenv's lock files, and each CLI's max RSS (/usr/bin/time -f %M).
//   (b) S saves (default 200) in one `devenv watch --json` session on the
//       watch fixture project, each waited for until its test run finished;
//       every 20 saves the watch process's RSS, open fds (/proc/PID/fd) and
//       child processes (its descendants).
//
// Writes bench/results/load-cycles.json with the curves and prints a table.
// Usage: npm run build && node bench/load-cycles.mjs [--cycles 50] [--saves 200] [--out FILE]
// Ctrl-C (SIGINT/SIGTERM) stops after the cycle or save in progress, cleans up and writes what it has.
import Docker from 'dockerode';
import { execa } from 'execa';
import { cp, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag, numberFlag } from './support/argv.mjs';
import { lineWaiter } from './support/line-waiter.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CYCLES = numberFlag('--cycles', 50);
const SAVES = numberFlag('--saves', 200);
const SAMPLE_EVERY = numberFlag('--every', 20);
const devenvBin = `${root}bin/devenv`;
const docker = new Docker();
const tag = `lc${Date.now().toString(36)}`;
const OUT = flag('--out', join(root, 'bench/results/load-cycles.json'));
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stopping = true;
  });

const env = {
  ...process.env,
  NO_COLOR: '1',
  CI: 'true',
  POSTGRES_IMAGE: 'devenv-test/postgres:15',
  REDIS_IMAGE: 'devenv-test/redis:7',
};

/** Runs the CLI under /usr/bin/time: exit code and max RSS in MB. */
async function devenvTimed(cwd, args, extraEnv = {}) {
  const result = await execa('/usr/bin/time', ['-f', 'MAXRSS %M', process.execPath, devenvBin, ...args], {
    cwd,
    env: { ...env, ...extraEnv },
    reject: false,
  });
  const rss = /MAXRSS (\d+)/.exec(result.stderr);
  return {
    exitCode: result.exitCode,
    rssMb: rss ? Number(rss[1]) / 1024 : undefined,
    output: `${result.stdout}\n${result.stderr}`,
  };
}

async function engineCounts() {
  const [containers, networks, volumes, images] = await Promise.all([
    docker.listContainers({ all: true }),
    docker.listNetworks(),
    docker.listVolumes(),
    docker.listImages({ all: true }),
  ]);
  return {
    containers: containers.length,
    networks: networks.length,
    volumes: (volumes.Volumes ?? []).length,
    images: images.length,
  };
}

async function labelled(label) {
  const filters = JSON.stringify({ label: [label] });
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return containers.length + networks.length + (volumes.Volumes ?? []).length;
}

/** Processes whose working directory is `dir` (devenv processes this bench started and left). */
async function processesIn(dir) {
  let count = 0;
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd === dir) count++;
  }
  return count;
}

/** pid -> parent pid of every process. */
async function parents() {
  const map = new Map();
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) map.set(Number(pid), ppid);
  }
  return map;
}

async function descendants(pid) {
  const map = await parents();
  const found = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [child, parent] of map)
      if (found.has(parent) && !found.has(child)) {
        found.add(child);
        grew = true;
      }
  }
  return [...found].filter((p) => p !== pid);
}

async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+)/.exec(status);
  return kb ? Number(kb[1]) / 1024 : undefined;
}

async function openFds(pid) {
  return (await readdir(`/proc/${pid}/fd`).catch(() => [])).length;
}

async function lockFiles(cache) {
  return (await readdir(join(cache, 'devenv', 'locks')).catch(() => [])).length;
}

async function cycles() {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-cycles-'));
  const cache = await mkdtemp(join(tmpdir(), 'devenv-bench-cycles-cache-'));
  await cp(join(root, 'bench/postgres-redis.compose.yaml'), join(dir, 'compose.yaml'));
  // Automatic host ports: the template's fixed 5432/6379 may be taken by others on this machine.
  const compose = (await readFile(join(dir, 'compose.yaml'), 'utf8'))
    .replace("'5432:5432'", "'5432'")
    .replace("'6379:6379'", "'6379'");
  await writeFile(join(dir, 'compose.yaml'), compose);
  const branch = `${tag}-cycles`;
  const stackLabel = `dev.devenv.branch=${branch}`;
  const before = await engineCounts();
  const samples = [];
  try {
    for (let cycle = 1; cycle <= CYCLES && !stopping; cycle++) {
      const started = Date.now();
      const up = await devenvTimed(dir, ['up', '-d', '--branch', branch], { XDG_CACHE_HOME: cache });
      const upMs = Date.now() - started;
      // A failed up (e.g. readiness past its timeout on an overloaded machine) is recorded; down follows all the same.
      if (up.exitCode !== 0) process.stdout.write(`cycle ${cycle}: up failed\n${up.output.slice(-2000)}\n`);
      const downStarted = Date.now();
      const down = await devenvTimed(dir, ['down', '-v', '--branch', branch], { XDG_CACHE_HOME: cache });
      const downMs = Date.now() - downStarted;
      if (down.exitCode !== 0) throw new Error(`cycle ${cycle}: down failed\n${down.output}`);
      const sample = {
        cycle,
        upOk: up.exitCode === 0,
        upMs,
        downMs,
        upMaxRssMb: up.rssMb,
        downMaxRssMb: down.rssMb,
        leftover: await labelled(stackLabel),
        processesLeft: await processesIn(dir),
        lockFiles: await lockFiles(cache),
        engine: await engineCounts(),
      };
      samples.push(sample);
      process.stdout.write(
        `cycle ${cycle}/${CYCLES}: up ${upMs} ms (${sample.upMaxRssMb?.toFixed(0)} MB), down ${downMs} ms, leftover ${sample.leftover}, processes ${sample.processesLeft}\n`,
      );
    }
  } finally {
    await execa(process.execPath, [devenvBin, 'down', '-v', '--branch', branch], {
      cwd: dir,
      env: { ...env, XDG_CACHE_HOME: cache },
      reject: false,
    });
    await rm(dir, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  }
  return { before, samples };
}

async function saves() {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-saves-'));
  await cp(join(root, 'test/fixtures/watch-project'), dir, { recursive: true });
  await rm(join(dir, 'compose.integration.yaml'));
  await rm(join(dir, 'test/integration'), { recursive: true });
  await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
  const child = execa(process.execPath, [devenvBin, 'watch', '--json'], { cwd: dir, env, reject: false });
  const next = lineWaiter(child);
  const samples = [];
  const sample = async (save, ms) => {
    const kids = await descendants(child.pid);
    samples.push({
      save,
      rssMb: await rssMb(child.pid),
      openFds: await openFds(child.pid),
      children: kids.length,
      childrenRssMb: (await Promise.all(kids.map(rssMb))).reduce((a, b) => a + (b ?? 0), 0),
      lastSaveMs: ms,
    });
  };
  try {
    await next((line) => line.includes('"watcher.ready"'));
    await sample(0, undefined);
    for (let save = 1; save <= SAVES && !stopping; save++) {
      const start = Date.now();
      await writeFile(
        join(dir, 'src/math.ts'),
        `export function add(a: number, b: number): number {\n  return a + b${' + 0'.repeat(save % 3)}; // save ${save}\n}\n`,
      );
      await next((line) => line.includes('"test.run.finished"'));
      const ms = Date.now() - start;
      if (save % SAMPLE_EVERY === 0 || save === SAVES) {
        await sample(save, ms);
        const s = samples.at(-1);
        process.stdout.write(
          `save ${save}/${SAVES}: watch ${s.rssMb?.toFixed(1)} MB, ${s.openFds} fds, ${s.children} children (${s.childrenRssMb.toFixed(1)} MB), ${ms} ms\n`,
        );
      }
    }
  } finally {
    child.kill('SIGINT');
    await child;
    await rm(dir, { recursive: true, force: true });
  }
  return { samples };
}

const results = { date: new Date().toISOString(), cycles: CYCLES, saves: SAVES };
if (CYCLES > 0) results.upDown = await cycles();
if (SAVES > 0 && !stopping) results.watch = await saves();
await mkdir(join(OUT, '..'), { recursive: true });
await writeFile(OUT, `${JSON.stringify(results, null, 2)}\n`);

const pick = (list, n) => list.filter((_, i) => i === 0 || i === list.length - 1 || (i + 1) % n === 0);
if (results.upDown) {
  const { before, samples } = results.upDown;
  console.log(`\nup/down cycles (engine before: ${JSON.stringify(before)})`);
  console.table(
    pick(samples, Math.max(1, Math.round(samples.length / 10))).map((s) => ({
      cycle: s.cycle,
      'up ms': s.upMs,
      'down ms': s.downMs,
      'up max RSS MB': s.upMaxRssMb?.toFixed(1),
      'down max RSS MB': s.downMaxRssMb?.toFixed(1),
      leftover: s.leftover,
      processes: s.processesLeft,
      locks: s.lockFiles,
      'engine c/n/v/i': `${s.engine.containers}/${s.engine.networks}/${s.engine.volumes}/${s.engine.images}`,
    })),
  );
}
if (results.watch) {
  console.log('\nwatch saves');
  console.table(
    results.watch.samples.map((s) => ({
      save: s.save,
      'watch RSS MB': s.rssMb?.toFixed(1),
      fds: s.openFds,
      children: s.children,
      'children RSS MB': s.childrenRssMb.toFixed(1),
      'save->result ms': s.lastSaveMs,
    })),
  );
}
