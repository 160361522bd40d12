// devenv's own CPU and memory while attached with the ink dashboard (in tmux),
// idle for 60 s and during a log flood of 10,000 lines/s for 10 s, with key
// latency (send a key, time until the screen changes). Not a test: prints figures.
// The project has one unit test, so watch mode's test worker (vitest, a child
// process of devenv) runs too: its memory is reported beside the dashboard's.
// devenv runs as installed (bin/devenv with its shebang's node flags).
//
//   npm run build && node bench/tui-resources.mjs [--idle 60] [--flood 10] [--rate 10000]
//   DEVENV_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" for a profile (node is then
//   run explicitly, with the shebang's flags plus these)
import { execFileSync, execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin/devenv');
const { values } = parseArgs({
  options: {
    idle: { type: 'string', default: '60' },
    // Seconds between "all services ready" and the idle measurement.
    settle: { type: 'string', default: '2' },
    flood: { type: 'string', default: '10' },
    rate: { type: 'string', default: '10000' },
  },
});
const idleSeconds = Number(values.idle);
const floodSeconds = Number(values.flood);
const rate = Number(values.rate);
const branch = `bench-tui-${process.pid}`;
const socket = `devenv-bench-${process.pid}`;
const session = 'bench';
const TICKS = 100; // getconf CLK_TCK on Linux

// The flood service waits for /tmp/go, prints `rate` lines a second for `floodSeconds`, then idles.
const floodScript = `
const fs = require('fs');
const wait = () => fs.existsSync('/tmp/go') ? flood() : setTimeout(wait, 100);
function flood() {
  const end = Date.now() + ${floodSeconds * 1000};
  let n = 0;
  const timer = setInterval(() => {
    let chunk = '';
    for (let i = 0; i < ${rate / 100}; i++) chunk += 'flood line ' + (n++) + ' lorem ipsum dolor sit amet consectetur\\n';
    process.stdout.write(chunk);
    if (Date.now() > end) { clearInterval(timer); console.log('flood done ' + n); setInterval(() => {}, 1 << 30); }
  }, 10);
}
wait();
`;
const compose = `
services:
  flood:
    image: devenv-test/node:20
    command: ["node", "-e", ${JSON.stringify(floodScript)}]
  redis:
    image: devenv-test/redis:7
    ports: ["6379"]
`;

const dir = mkdtempSync(join(tmpdir(), 'devenv-bench-tui-'));
writeFileSync(join(dir, 'compose.yaml'), compose);
mkdirSync(join(dir, 'test'));
writeFileSync(
  join(dir, 'test/sample.test.mjs'),
  `import { expect, it } from 'vitest';\nit('adds', () => expect(1 + 1).toBe(2));\n`,
);
symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
const tmux = (...args) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-J', '-t', session);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(predicate, what, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = screen();
    if (predicate(text)) return text;
    await sleep(50);
  }
  throw new Error(`never saw ${what}:\n${screen()}`);
}

function devenvPid() {
  const shell = tmux('list-panes', '-t', session, '-F', '#{pane_pid}').trim();
  const children = (pid) =>
    execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  // shell -> env -> node (env execs, so usually shell -> node)
  for (const child of children(shell)) {
    const cmd = readFileSync(`/proc/${child}/cmdline`, 'utf8');
    if (cmd.includes('devenv')) return Number(child);
  }
  throw new Error('devenv process not found');
}

/** The test worker (vitest) devenv forked, if one runs. */
function workerPid(pid) {
  const children = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  const line = children.split('\n').find((entry) => entry.includes('runner-worker.js'));
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined;
}

function rssOf(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) * 1024;
  } catch {
    return 0;
  }
}

function sample(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  return { ticks, rss: rssOf(pid), at: performance.now() };
}

async function measure(pid, worker, seconds) {
  const first = sample(pid);
  let peak = first.rss;
  let workerPeak = worker ? rssOf(worker) : 0;
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await sleep(500);
    peak = Math.max(peak, sample(pid).rss);
    if (worker) workerPeak = Math.max(workerPeak, rssOf(worker));
  }
  const last = sample(pid);
  const cpu = (last.ticks - first.ticks) / TICKS / ((last.at - first.at) / 1000);
  return { cpu, rss: last.rss, peakRss: peak, workerPeak };
}

/** Alternates j/k and times until the selection marker moves on screen. */
async function keyLatency(count) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const target = i % 2 === 0 ? 'redis' : 'flood';
    const started = performance.now();
    tmux('send-keys', '-t', session, i % 2 === 0 ? 'j' : 'k');
    // Poll every 5 ms: a tight loop of tmux calls would take the CPU devenv needs (2 cores here).
    while (!new RegExp(`^› ${target} `, 'm').test(screen())) {
      if (performance.now() - started > 5000) throw new Error('key not answered within 5 s');
      await sleep(5);
    }
    times.push(performance.now() - started);
    await sleep(150);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], max: times[times.length - 1] };
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(0)} MB`;
const pct = (cpu) => `${(cpu * 100).toFixed(1)}%`;

try {
  // An explicit environment (no CI, NO_COLOR).
  const env = `TERM=xterm-256color PATH='${process.env.PATH}' HOME='${process.env.HOME ?? '/root'}'`;
  const extraArgs = process.env.DEVENV_BENCH_NODE_ARGS;
  const shebangFlags = readFileSync(bin, 'utf8')
    .split('\n')[0]
    .replace(/^.*\bnode\b/, '')
    .trim();
  const command = extraArgs ? `'${process.execPath}' ${shebangFlags} ${extraArgs} '${bin}'` : `'${bin}'`;
  tmux(
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '120',
    '-y',
    '40',
    `cd '${dir}' && env -i ${env} ${command} up --branch ${branch}; sleep 600`,
  );
  await waitFor((t) => (t.match(/✔ (ready|healthy) \d/g) ?? []).length === 2, 'both services ready');
  await sleep(Number(values.settle) * 1000);
  const pid = devenvPid();
  const worker = workerPid(pid);
  console.log(
    `devenv pid ${pid}; idle ${idleSeconds} s from ${values.settle} s after ready, then ${rate} lines/s for ${floodSeconds} s (2 cores here: ${execFileSync('nproc', { encoding: 'utf8' }).trim()})`,
  );

  const idle = await measure(pid, worker, idleSeconds);
  const idleKeys = await keyLatency(10);
  console.log(
    `idle:  CPU ${pct(idle.cpu)} of one core, RSS ${mb(idle.rss)} (peak ${mb(idle.peakRss)}); key latency median ${idleKeys.median.toFixed(0)} ms, max ${idleKeys.max.toFixed(0)} ms`,
  );

  const { stdout: id } = await run('docker', [
    'ps',
    '-q',
    '--filter',
    `label=dev.devenv.branch=${branch}`,
    '--filter',
    'label=dev.devenv.service=flood',
  ]);
  await run('docker', ['exec', id.trim(), 'touch', '/tmp/go']);
  await waitFor((t) => t.includes('flood line'), 'the flood on screen', 10_000);
  const floodStats = measure(pid, worker, floodSeconds - 1);
  const floodKeys = await keyLatency(10);
  const flood = await floodStats;
  console.log(
    `flood: CPU ${pct(flood.cpu)} of one core, RSS ${mb(flood.rss)} (peak ${mb(flood.peakRss)}); key latency median ${floodKeys.median.toFixed(0)} ms, max ${floodKeys.max.toFixed(0)} ms`,
  );
  const last = await waitFor((t) => t.includes('flood done'), 'the end of the flood', 60_000);
  const done = /flood done (\d+)/.exec(last);
  console.log(
    `flood lines printed by the service: ${done ? done[1] : '?'}; the dashboard kept the newest ${last.includes('last 5000 kept') ? '5000' : 'all'}`,
  );
  console.log(
    worker
      ? `test worker (vitest, pid ${worker}): RSS peak ${mb(Math.max(idle.workerPeak, flood.workerPeak))}; dashboard + worker peak ${mb(Math.max(idle.peakRss, flood.peakRss) + Math.max(idle.workerPeak, flood.workerPeak))}`
      : 'test worker: none running',
  );
  console.log(
    `targets (the dashboard's process): idle CPU < 1% ${idle.cpu < 0.01 ? 'met' : 'MISSED'}; RSS < 150 MB ${Math.max(idle.peakRss, flood.peakRss) < 150e6 ? 'met' : 'MISSED'}; flood CPU < 1 core ${flood.cpu < 1 ? 'met' : 'MISSED'}; keys < 100 ms ${floodKeys.max < 100 ? 'met' : 'MISSED'}`,
  );
} finally {
  try {
    tmux('send-keys', '-t', session, 'q');
    await sleep(1500);
  } catch {
    // the session may be gone
  }
  execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  execFileSync(process.execPath, [bin, 'down', '-v', '--branch', branch], { cwd: dir, stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
