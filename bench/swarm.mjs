#!/usr/bin/env node
// Benchmark (not a test): the example project (templates/example: app built from source +
// Postgres 15 + Redis 7, stand-in images) on the three-node test swarm (test/support/swarm-cluster.sh:
// this engine as manager, two dockerd workers in network namespaces) beside the local Docker
// backend, in one run. Measures, for each backend:
//  - up to ready: `devenv up -d` of a second branch (images present; the first branch built the
//    app image and, on the swarm, loaded it into the workers), from the command's start until
//    it returns (every service ready) and the app answers HTTP;
//  - N stacks at once (different branches, default 10): wall time until every `up -d` returned
//    and every app answers; then memory per node: the stacks' containers on each node (through
//    each node's own engine socket), and each node's dockerd + containerd RSS (the manager's
//    is this machine's main engine, shared with whatever else runs on it).
// The other backend's stacks are down while one backend's N run. Ratios swarm/local at the end.
//
// Usage: npm run build && node bench/swarm.mjs [--count 10]
//        (as root; needs the stand-in images: bash test/support/prepare-engine.sh)
import { execa } from 'execa';
import Docker from 'dockerode';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberFlag } from './support/argv.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const COUNT = numberFlag('--count', 10);
const cluster = (...args) =>
  execa('bash', [join(root, 'test/support/swarm-cluster.sh'), ...args]).then((r) => r.stdout.trim());
const images = ['devenv-test/postgres:15', 'devenv-test/redis:7', 'devenv-test/node:20'];

const cache = await mkdtemp(join(tmpdir(), 'devenv-bench-swarm-cache-'));
const dir = join(await mkdtemp(join(tmpdir(), 'devenv-bench-swarm-')), 'example');
await cp(join(root, 'templates/example'), dir, { recursive: true });
// The app runs from its image (COPY in the Dockerfile): no bind mount of this machine's files,
// which a swarm node would not have.
await execa('sed', ['-i', '/volumes:/,/- .:\\/app/d', join(dir, 'compose.yaml')]);

const nodes = {
  manager: { docker: new Docker(), pidfile: '/var/run/docker.pid' },
  devswarm1: { docker: new Docker({ socketPath: '/run/devswarm1.sock' }), pidfile: '/run/devswarm1.pid' },
  devswarm2: { docker: new Docker({ socketPath: '/run/devswarm2.sock' }), pidfile: '/run/devswarm2.pid' },
};
const tag = `bench${process.pid}`;
const backends = { local: [], swarm: ['--engine', 'swarm'] };
let env = {};

const devenv = async (args) => {
  const result = await execa(process.execPath, [join(root, 'bin/devenv'), ...args], {
    cwd: dir,
    env: {
      ...process.env,
      POSTGRES_IMAGE: 'devenv-test/postgres:15',
      REDIS_IMAGE: 'devenv-test/redis:7',
      NODE_IMAGE: 'devenv-test/node:20',
      XDG_CACHE_HOME: cache,
      NO_COLOR: '1',
      CI: 'true',
      ...env,
    },
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) throw new Error(`devenv ${args.join(' ')} failed:\n${result.all}`);
  return result;
};

function answers(host, port) {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/', timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve((res.statusCode ?? 0) > 0));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** `up -d` until it returns and its app answers HTTP at its published port; ms. */
async function upUntilAnswering(backend, branch) {
  const started = performance.now();
  const { stdout } = await devenv(['up', '-d', '--json', ...backends[backend], '--branch', branch]);
  const ready = stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line))
    .find((event) => event.type === 'service.ready' && event.service === 'app');
  const port = ready?.ports.find((p) => p.containerPort === 8080);
  if (!port) throw new Error(`no app port for ${branch}`);
  for (let tries = 0; !(await answers(port.hostIp, port.hostPort)); tries++) {
    if (tries > 600) throw new Error(`app of ${branch} does not answer at ${port.hostIp}:${port.hostPort}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

async function rssOf(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/** dockerd and its containerd child. */
async function daemonRss(pidfile) {
  const pid = Number((await readFile(pidfile, 'utf8')).trim());
  const children = (await execa('ps', ['-o', 'pid=,comm=', '--ppid', String(pid)])).stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, comm]) => comm === 'containerd')
    .map(([child]) => Number(child));
  let bytes = await rssOf(pid);
  for (const child of children) bytes += await rssOf(child);
  return bytes;
}

/** The bench's stacks' containers on each node (usage minus page cache), and each node's daemons. */
async function memoryPerNode() {
  const out = {};
  for (const [name, node] of Object.entries(nodes)) {
    const list = await node.docker.listContainers({
      filters: JSON.stringify({ label: ['dev.devenv.stack'] }),
    });
    const ours = list.filter((c) => (c.Labels['dev.devenv.branch'] ?? '').startsWith(tag));
    let bytes = 0;
    for (const c of ours) {
      const stats = await node.docker.getContainer(c.Id).stats({ stream: false });
      bytes += (stats.memory_stats.usage ?? 0) - (stats.memory_stats.stats?.inactive_file ?? 0);
    }
    out[name] = { containers: ours.length, bytes, daemon: await daemonRss(node.pidfile) };
  }
  return out;
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const branches = (backend) => Array.from({ length: COUNT + 2 }, (_, i) => `${tag}-${backend}-${i}`);
const results = {};
let acquired = false;
try {
  await cluster('acquire', String(process.pid));
  acquired = true;
  await cluster('load', ...images);
  env = { DEVENV_SWARM_NODES: await cluster('nodes') };
  for (const backend of ['local', 'swarm']) {
    const [first, second, ...many] = branches(backend);
    const firstMs = await upUntilAnswering(backend, first);
    const secondMs = await upUntilAnswering(backend, second);
    console.log(
      `${backend}: first up (builds the app image${backend === 'swarm' ? ', loads it into the workers' : ''}) ${s(firstMs)}; second branch, images present: ${s(secondMs)} to the app answering`,
    );
    let manyMs = 0;
    let memory = {};
    if (COUNT > 0) {
      const started = performance.now();
      await Promise.all(many.map((branch) => upUntilAnswering(backend, branch)));
      manyMs = performance.now() - started;
      memory = await memoryPerNode();
      console.log(`${backend}: ${COUNT} stacks at once: ${s(manyMs)} until every app answers`);
      for (const [name, m] of Object.entries(memory))
        console.log(
          `  ${name}: ${m.containers} containers, ${mb(m.bytes)} in them; dockerd+containerd RSS ${mb(m.daemon)}`,
        );
    }
    results[backend] = { secondMs, manyMs, memory };
    // Down before the other backend runs its stacks.
    await Promise.all(
      branches(backend).map((branch) =>
        devenv(['down', '-v', ...backends[backend], '--branch', branch]).catch(() => undefined),
      ),
    );
  }
  const total = (memory) => Object.values(memory).reduce((sum, m) => sum + m.bytes, 0);
  console.log(
    `swarm/local: up to ready ${(results.swarm.secondMs / results.local.secondMs).toFixed(2)}x` +
      (COUNT > 0
        ? `; ${COUNT} at once ${(results.swarm.manyMs / results.local.manyMs).toFixed(2)}x; stacks' container memory ${(total(results.swarm.memory) / total(results.local.memory)).toFixed(2)}x (swarm over 3 nodes, local on one)`
        : ''),
  );
} finally {
  for (const backend of Object.keys(backends))
    await Promise.all(
      branches(backend).map((branch) =>
        devenv(['down', '-v', ...backends[backend], '--branch', branch]).catch(() => undefined),
      ),
    );
  if (acquired) await cluster('release', String(process.pid));
  await rm(cache, { recursive: true, force: true });
  await rm(join(dir, '..'), { recursive: true, force: true });
}
