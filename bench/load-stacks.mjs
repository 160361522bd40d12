#!/usr/bin/env node
// Many stacks at once, measured (not a test; on demand, not in CI): N stacks
// (default 10) of the example project (templates/example: app built from
// source + Postgres 15 + Redis 7; the template's fixed host ports) on N
// branches, all `up -d --proxy` at the same moment, then `devenv watch` in
// each and one edit seen by all of them. Reports:
//   - start time per stack (command start -> exit, every service ready);
//   - memory per stack (docker stats of its containers) and of the proxy;
//   - collisions (must be 0): container names, host ports, Postgres data
//     volumes, networks, proxy routes (URLs, and each answers with its own stack);
//   - the watch processes: edit -> files.changed in each, their RSS.
// Writes bench/results/load-stacks.json.
// Usage: npm run build && node bench/load-stacks.mjs [--stacks 10]
import Docker from 'dockerode';
import { execa } from 'execa';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberFlag } from './support/argv.mjs';
import { lineWaiter } from './support/line-waiter.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const STACKS = numberFlag('--stacks', 10);
const devenvBin = `${root}bin/devenv`;
const docker = new Docker();
const tag = `ls${Date.now().toString(36)}`;
const proxyPort = numberFlag('--proxy-port', 18780 + Math.floor(Math.random() * 1000));

const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-stacks-'));
const cache = await mkdtemp(join(tmpdir(), 'devenv-bench-stacks-cache-'));
await cp(join(root, 'templates/example'), dir, { recursive: true });
const env = {
  ...process.env,
  NO_COLOR: '1',
  CI: 'true',
  POSTGRES_IMAGE: 'devenv-test/postgres:15',
  REDIS_IMAGE: 'devenv-test/redis:7',
  NODE_IMAGE: 'devenv-test/node:20',
  COMPOSE_PROJECT_NAME: 'example',
  DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2',
  DEVENV_PROXY_PORT: String(proxyPort),
  XDG_CACHE_HOME: cache,
};
const branches = Array.from({ length: STACKS }, (_, i) => `${tag}-b${i + 1}`);
const devenv = (args, extra = {}) =>
  execa(process.execPath, [devenvBin, ...args], { cwd: dir, env: { ...env, ...extra }, reject: false });

function get(url) {
  const parsed = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: Number(parsed.port), path: parsed.pathname, headers: { host: parsed.host } },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on('error', (error) => resolve({ status: 0, body: String(error) }));
    req.end();
  });
}

async function memoryMb(ids) {
  let bytes = 0;
  for (const id of ids) {
    const stats = await docker.getContainer(id).stats({ stream: false });
    bytes += (stats.memory_stats.usage ?? 0) - (stats.memory_stats.stats?.inactive_file ?? 0);
  }
  return bytes / 1024 / 1024;
}

const duplicates = (values) => values.filter((v, i) => values.indexOf(v) !== i);

const results = { date: new Date().toISOString(), stacks: STACKS };
const watchers = [];
try {
  // The app image once, so the N stacks start from the same state (shared by build inputs).
  const warm = await devenv(['up', '-d', '--branch', `${tag}-warm`]);
  if (warm.exitCode !== 0) throw new Error(`warm-up failed:\n${warm.stdout}\n${warm.stderr}`);
  await devenv(['down', '-v', '--branch', `${tag}-warm`]);

  const allStarted = Date.now();
  const ups = await Promise.all(
    branches.map(async (branch) => {
      const started = Date.now();
      const result = await devenv(['up', '-d', '--proxy', '--branch', branch]);
      return {
        branch,
        ms: Date.now() - started,
        exitCode: result.exitCode,
        output: `${result.stdout}\n${result.stderr}`,
      };
    }),
  );
  results.allUpMs = Date.now() - allStarted;
  for (const up of ups) if (up.exitCode !== 0) console.log(`${up.branch} failed:\n${up.output}`);

  const perStack = [];
  const names = [];
  const hostPorts = [];
  const volumes = [];
  const networks = [];
  const urls = [];
  for (const up of ups) {
    const filters = JSON.stringify({ label: [`dev.devenv.branch=${up.branch}`] });
    const containers = await docker.listContainers({ all: true, filters });
    const vols = (await docker.listVolumes({ filters })).Volumes ?? [];
    const nets = await docker.listNetworks({ filters });
    names.push(...containers.map((c) => c.Names[0]));
    for (const c of containers)
      for (const p of c.Ports) if (p.PublicPort) hostPorts.push(`${p.IP}:${p.PublicPort}`);
    volumes.push(...vols.map((v) => v.Name));
    networks.push(...nets.map((n) => n.Name));
    const envOut = await devenv(['env', '--json', '--branch', up.branch]);
    const stackEnv = envOut.exitCode === 0 ? JSON.parse(envOut.stdout) : {};
    const url = stackEnv['APP_URL'];
    if (url) urls.push(url);
    // The app answers some time after its container started (readiness of a service without a
    // healthcheck is "started"): ask for up to 15 s, and keep the first answer too.
    const first = url ? await get(url) : { status: 0, body: '' };
    let answer = first;
    for (let i = 0; url && answer.status !== 200 && i < 15; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      answer = await get(url);
    }
    perStack.push({
      branch: up.branch,
      upMs: up.ms,
      ok: up.exitCode === 0,
      containers: containers.length,
      running: containers.filter((c) => c.State === 'running').length,
      memoryMb: Number((await memoryMb(containers.map((c) => c.Id))).toFixed(1)),
      url,
      urlStatus: answer.status,
      urlFirstStatus: first.status,
      postgresVolume: vols.find(
        (v) => v.Labels?.['dev.devenv.service'] === 'postgres' || /postgres/.test(v.Name),
      )?.Name,
    });
  }
  const proxy = await docker.listContainers({
    filters: JSON.stringify({ label: [`dev.devenv.proxy-server=${proxyPort}`] }),
  });
  results.proxyMemoryMb = Number((await memoryMb(proxy.map((c) => c.Id))).toFixed(1));
  results.perStack = perStack;
  results.collisions = {
    containerNames: duplicates(names),
    hostPorts: duplicates(hostPorts),
    volumes: duplicates(volumes),
    networks: duplicates(networks),
    proxyRoutes: duplicates(urls),
    routesNotAnswering: perStack.filter((s) => s.urlStatus !== 200).map((s) => s.branch),
  };

  // Watch mode in every stack at once, one edit seen by each.
  for (const branch of branches) {
    const child = execa(process.execPath, [devenvBin, 'watch', '--json', '--branch', branch], {
      cwd: dir,
      env,
      reject: false,
    });
    watchers.push({ branch, child, next: lineWaiter(child) });
  }
  await Promise.all(watchers.map((w) => w.next((line) => line.includes('"watcher.ready"'))));
  const edits = [];
  for (let edit = 1; edit <= 3; edit++) {
    const server = await readFile(join(dir, 'server.js'), 'utf8');
    const start = Date.now();
    await writeFile(join(dir, 'server.js'), `${server}// edit ${edit}\n`);
    const seen = await Promise.all(
      watchers.map(async (w) => {
        await w.next((line) => line.includes('"files.changed"'));
        return Date.now() - start;
      }),
    );
    edits.push({
      edit,
      maxMs: Math.max(...seen),
      medianMs: seen.sort((a, b) => a - b)[Math.floor(seen.length / 2)],
    });
  }
  const watchRss = [];
  for (const w of watchers) {
    const status = await readFile(`/proc/${w.child.pid}/status`, 'utf8').catch(() => '');
    watchRss.push(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
  }
  results.watch = { edits, rssMb: watchRss.map((m) => Number(m.toFixed(1))) };
} finally {
  for (const w of watchers) w.child.kill('SIGINT');
  await Promise.all(watchers.map((w) => w.child));
  const downs = await Promise.all(branches.map((branch) => devenv(['down', '-v', '--branch', branch])));
  for (const [i, down] of downs.entries())
    if (down.exitCode !== 0) console.log(`down of ${branches[i]} failed:\n${down.stdout}\n${down.stderr}`);
  // What the downs left (must be nothing): each stack's labelled resources, and the proxy.
  results.leftoversAfterDown = {};
  for (const branch of branches) {
    const filters = JSON.stringify({ label: [`dev.devenv.branch=${branch}`] });
    const left = [
      ...(await docker.listContainers({ all: true, filters })).map(
        (c) => `container ${c.Names[0]} (${c.State})`,
      ),
      ...(await docker.listNetworks({ filters })).map((n) => `network ${n.Name}`),
      ...((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => `volume ${v.Name}`),
    ];
    if (left.length > 0) results.leftoversAfterDown[branch] = left;
  }
  const proxiesLeft = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`dev.devenv.proxy-server=${proxyPort}`] }),
  });
  if (proxiesLeft.length > 0) results.leftoversAfterDown.proxy = proxiesLeft.map((c) => c.Names[0]);
  results.downFailed = downs.filter((down) => down.exitCode !== 0).length;
  console.log(
    `after down: ${results.downFailed} downs failed; left ${JSON.stringify(results.leftoversAfterDown)}`,
  );
  await rm(dir, { recursive: true, force: true });
  await rm(cache, { recursive: true, force: true });
}

await mkdir(join(root, 'bench/results'), { recursive: true });
await writeFile(join(root, 'bench/results/load-stacks.json'), `${JSON.stringify(results, null, 2)}\n`);
console.table(
  results.perStack.map((s) => ({
    branch: s.branch,
    ok: s.ok,
    'up s': (s.upMs / 1000).toFixed(1),
    containers: `${s.running}/${s.containers}`,
    'memory MB': s.memoryMb,
    'url status (first)': `${s.urlStatus} (${s.urlFirstStatus})`,
  })),
);
const total = results.perStack.reduce((a, s) => a + s.memoryMb, 0);
console.log(
  `all ${STACKS} up in ${(results.allUpMs / 1000).toFixed(1)} s; memory ${total.toFixed(0)} MB in stacks (mean ${(total / STACKS).toFixed(1)}), proxy ${results.proxyMemoryMb} MB`,
);
console.log('collisions', JSON.stringify(results.collisions));
console.log('watch', JSON.stringify(results.watch));
