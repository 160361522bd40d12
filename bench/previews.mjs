#!/usr/bin/env node
// Benchmark (not a test): previews of the example project (templates/example: app built
// from source + Postgres 15 + Redis 7), images present. Measures, on the local engine:
//  - preview up of a second branch: from the command's start until its app answers at its
//    URL through the proxy (the first branch's preview made the app image);
//  - memory per preview stack (docker stats, the stack's containers) and of the proxy;
//  - 10 previews at once: wall time until all 10 answer, memory in all; meanwhile and while they
//    are removed, the first preview's URL is asked every 100 ms (does a route change interrupt it?).
// With --engine tls (or ssh), the same on a second engine standing in for a team's preview
// host (test/support/second-engine.sh, its own network namespace, as root): dockerd with
// --tlsverify on ADDRESS:2376 (DOCKER_TLS_VERIFY + DOCKER_CERT_PATH), or reached over
// ssh://root@ADDRESS (a temp HOME with the key and known_hosts); the build context is sent,
// the URL is asked of the proxy on that engine's address.
//
// With --engine swarm, on the three-node test swarm (test/support/swarm-cluster.sh: this engine as
// manager, two dockerd workers in network namespaces): previews placed by the Swarm backend, the
// proxy a swarm service on the manager's node; memory is given per node.
//
// Usage: npm run build && node bench/previews.mjs [--count 10] [--engine local|tls|ssh|swarm]
//        (needs the engine and stand-in images: bash test/support/prepare-engine.sh;
//        --count 0 skips the previews at once)
import { execa } from 'execa';
import Docker from 'dockerode';
import { copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? process.argv[index + 1] : undefined;
};
const COUNT = Number(arg('--count') ?? 10);
const ENGINE = arg('--engine') ?? 'local';
if (!['local', 'tls', 'ssh', 'swarm'].includes(ENGINE))
  throw new Error(`--engine local|tls|ssh|swarm, not ${ENGINE}`);
const cache = await mkdtemp(join(tmpdir(), 'devenv-bench-previews-cache-'));
const secondEngine = (...args) =>
  execa('bash', [join(root, 'test/support/second-engine.sh'), ...args]).then((r) => r.stdout.trim());
const engineName = `dvb${ENGINE}`;
/** DOCKER_HOST and friends for devenv, dockerode for the bench's own checks, the proxy's host. */
let remote = { env: {}, docker: new Docker(), host: '127.0.0.1', home: undefined };
/** The engines whose containers count for memory: each node's on the swarm. */
let memoryNodes = { [ENGINE === 'local' ? 'local' : 'engine']: undefined };
const cluster = (...args) =>
  execa('bash', [join(root, 'test/support/swarm-cluster.sh'), ...args]).then((r) => r.stdout.trim());
const engineArgs = ENGINE === 'swarm' ? ['--engine', 'swarm'] : [];
if (ENGINE === 'swarm') {
  await cluster('acquire', String(process.pid));
  await cluster('load', 'devenv-test/postgres:15', 'devenv-test/redis:7', 'devenv-test/node:20');
  remote.env = { DEVENV_SWARM_NODES: await cluster('nodes') };
  memoryNodes = {
    manager: new Docker(),
    devswarm1: new Docker({ socketPath: '/run/devswarm1.sock' }),
    devswarm2: new Docker({ socketPath: '/run/devswarm2.sock' }),
  };
} else if (ENGINE !== 'local') {
  await secondEngine('start', engineName, ENGINE);
  for (const image of [
    'devenv-test/postgres:15',
    'devenv-test/redis:7',
    'devenv-test/node:20',
    'devenv-test/caddy:2',
  ])
    await secondEngine('load', engineName, image);
  const address = await secondEngine('address', engineName);
  const docker = new Docker({ socketPath: `/run/${engineName}.sock` });
  if (ENGINE === 'tls') {
    const certs = await secondEngine('certs', engineName);
    remote = {
      env: { DOCKER_HOST: `tcp://${address}:2376`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs },
      docker,
      host: address,
    };
  } else {
    const keys = await secondEngine('ssh-dir', engineName);
    const home = await mkdtemp(join(tmpdir(), 'devenv-bench-previews-home-'));
    await mkdir(join(home, '.ssh'), { mode: 0o700 });
    await copyFile(join(keys, 'client_ed25519'), join(home, '.ssh', 'id_ed25519'));
    await copyFile(join(keys, 'known_hosts'), join(home, '.ssh', 'known_hosts'));
    remote = {
      env: { DOCKER_HOST: `ssh://root@${address}`, HOME: home, SSH_AUTH_SOCK: '' },
      docker,
      host: address,
      home,
    };
  }
}
const env = {
  ...process.env,
  POSTGRES_IMAGE: 'devenv-test/postgres:15',
  REDIS_IMAGE: 'devenv-test/redis:7',
  NODE_IMAGE: 'devenv-test/node:20',
  DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2',
  DEVENV_PROXY_PORT: String(18700 + (process.pid % 200)),
  XDG_CACHE_HOME: cache,
  NO_COLOR: '1',
  CI: 'true',
  ...remote.env,
};
const docker = remote.docker;
const dir = join(await mkdtemp(join(tmpdir(), 'devenv-bench-previews-')), 'example');
await cp(join(root, 'templates/example'), dir, { recursive: true });
// Previews refuse nothing locally, but a bind mount of the worktree is not what a preview wants:
// the app runs from its image (COPY in the Dockerfile).
await execa('sed', ['-i', '/volumes:/,/- .:\\/app/d', join(dir, 'compose.yaml')]);
const git = (...args) => execa('git', args, { cwd: dir });
await git('init', '-q', '-b', 'main');
await git('-c', 'user.email=b@b', '-c', 'user.name=b', 'add', '.');
await git('-c', 'user.email=b@b', '-c', 'user.name=b', 'commit', '-qm', 'example');
const branches = Array.from({ length: COUNT + 2 }, (_, i) => `bench-${process.pid}-${i}`);
for (const branch of branches) await git('branch', branch);

const devenv = async (args) => {
  const result = await execa(process.execPath, [join(root, 'bin/devenv'), ...args], {
    cwd: dir,
    env,
    reject: false,
    all: true,
  });
  if (result.exitCode !== 0) throw new Error(`devenv ${args.join(' ')} failed:\n${result.all}`);
  return result;
};

function get(url) {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      { host: remote.host, port: Number(parsed.port), path: '/', headers: { host: parsed.host } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function upUntilAnswering(branch) {
  const started = performance.now();
  const { stdout } = await devenv(['preview', 'up', branch, '--json', ...engineArgs]);
  const url = JSON.parse(stdout).urls.app;
  while ((await get(url)) !== 200) await new Promise((r) => setTimeout(r, 50));
  return { ms: performance.now() - started, url };
}

/** Asks the URL every 100 ms until stopped: how many answered 200, and the longest run of failures. */
function probeWhile(url) {
  let running = true;
  const counts = { ok: 0, total: 0, longestGapMs: 0 };
  const loop = (async () => {
    let failingSince;
    while (running) {
      const status = await get(url);
      counts.total++;
      if (status === 200) {
        counts.ok++;
        if (failingSince !== undefined)
          counts.longestGapMs = Math.max(counts.longestGapMs, Math.round(performance.now() - failingSince));
        failingSince = undefined;
      } else failingSince ??= performance.now();
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return counts;
    },
  };
}

async function memoryOn(engine, filter) {
  const list = await engine.listContainers({ filters: JSON.stringify({ label: [filter] }) });
  let bytes = 0;
  let containers = 0;
  for (const c of list) {
    // A task replaced between the list and here (its container gone) is not counted.
    const stats = await engine
      .getContainer(c.Id)
      .stats({ stream: false })
      .catch(() => undefined);
    if (stats === undefined) continue;
    containers++;
    bytes += (stats.memory_stats.usage ?? 0) - (stats.memory_stats.stats?.inactive_file ?? 0);
  }
  return { bytes, containers };
}

/** The containers with the label, on every node counted; `nodes` says each node's share. */
async function memoryOf(filter) {
  const total = { bytes: 0, containers: 0, nodes: {} };
  for (const [name, engine] of Object.entries(memoryNodes)) {
    const one = await memoryOn(engine ?? docker, filter);
    total.bytes += one.bytes;
    total.containers += one.containers;
    total.nodes[name] = one;
  }
  return total;
}

const perNode = (memory) =>
  ENGINE === 'swarm'
    ? ` [${Object.entries(memory.nodes)
        .map(([name, m]) => `${name}: ${m.containers} containers ${mb(m.bytes)}`)
        .join(', ')}]`
    : '';

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
try {
  console.log(
    `engine: ${ENGINE === 'local' || ENGINE === 'swarm' ? ENGINE : `${ENGINE}, ${env.DOCKER_HOST}`}`,
  );
  const first = await upUntilAnswering(branches[0]);
  console.log(`first preview (builds the app image): ${(first.ms / 1000).toFixed(2)} s`);
  const second = await upUntilAnswering(branches[1]);
  console.log(`second branch, images present: ${(second.ms / 1000).toFixed(2)} s to its URL answering`);
  const one = await memoryOf('dev.devenv.branch=' + branches[1]);
  const proxy = await memoryOf('dev.devenv.proxy-server');
  console.log(
    `memory: ${mb(one.bytes)} per preview stack (${one.containers} containers), proxy ${mb(proxy.bytes)}`,
  );
  if (COUNT > 0) {
    // Meanwhile the first preview's URL is asked every 100 ms: does a route change take it down?
    const probe = probeWhile(first.url);
    const started = performance.now();
    await Promise.all(branches.slice(2).map((branch) => upUntilAnswering(branch)));
    const all = await memoryOf('dev.devenv.preview=true');
    console.log(
      `${COUNT} previews at once: ${((performance.now() - started) / 1000).toFixed(1)} s until all answer; ${mb(all.bytes)} in all (${COUNT + 2} previews, ${all.containers} containers)${perNode(all)}`,
    );
    const gone = Promise.all(
      branches.slice(2).map((branch) => devenv(['preview', 'rm', branch, ...engineArgs])),
    );
    await gone;
    const asked = await probe.stop();
    console.log(
      `the first preview's URL while ${COUNT} others came and went: ${asked.ok} of ${asked.total} requests answered 200 (${asked.total - asked.ok} failed, longest gap ${asked.longestGapMs} ms)`,
    );
  }
} finally {
  for (const branch of branches)
    await devenv(['preview', 'rm', branch, ...engineArgs]).catch(() => undefined);
  if (ENGINE === 'swarm') await cluster('release', String(process.pid));
  await rm(cache, { recursive: true, force: true });
  await rm(join(dir, '..'), { recursive: true, force: true });
  if (ENGINE === 'tls' || ENGINE === 'ssh') await secondEngine('remove', engineName);
  if (remote.home) await rm(remote.home, { recursive: true, force: true });
}
