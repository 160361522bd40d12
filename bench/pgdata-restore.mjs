#!/usr/bin/env node
// How to put a cached, freshly initialized Postgres data directory (48 MB)
// under a new container, measured on the real engine, alternating, N runs each:
//
//   tar        the cache as a tar on the host, put through the API (putArchive) into the created container
//   tar.gz     the same tar gzip -1'd once when the cache is built, decompressed by the engine
//   cp-helper  a cache *volume* per key; a helper container (network none) runs `cp -a` volume to volume
//   overlay    a cache volume per key as the read-only lower layer of a `local` overlay volume
//              (upper and work dirs: two fresh plain volumes); nothing is copied
//   image-copy a cache *image* holding the directory; creating (not starting) a container of it with the
//              empty target volume mounted there makes the engine copy the image's content into the volume
//   fill-pool  devenv's fill pool (adapters/docker/clients/fill-pool.ts): a copy of the image's directory
//              made ready in a pool volume after the previous fill (in the background: waited for, untimed),
//              moved into the empty target volume by renames
//   initdb     no cache: Postgres initializes the volume itself (what every new stack paid before)
//
// Each restore is timed from "target volume wanted" to "service container created and holds the data",
// then the container is started and timed to its first real connection (copy-up costs show there).
// Placement "container filesystem" (no volume on PGDATA) is measured for tar and tar.gz as rootfs-tar*.
//
// Usage: npm run build && node bench/pgdata-restore.mjs [--runs 5]
import Docker from 'dockerode';
import { execa } from 'execa';
import { setTimeout as sleep } from 'node:timers/promises';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresProbe } from '../dist/adapters/probes/postgres-probe.js';
import { ClientContext } from '../dist/adapters/docker/clients/client-context.js';
import { fillPoolVolume } from '../dist/adapters/docker/clients/fill-pool.js';
import { VolumeClient } from '../dist/adapters/docker/clients/volume-client.js';
import { median } from './support/median.mjs';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const IMAGE = process.env.POSTGRES_IMAGE ?? 'devenv-test/postgres:15';
const docker = new Docker();
const volumeClient = new VolumeClient(
  new ClientContext(docker, { endpoint: 'unix:///var/run/docker.sock', publishedHost: '127.0.0.1' }),
);
const tag = `pgrestore${process.pid}`;
const LABELS = { 'dev.devenv.bench': tag };
const ENV = ['POSTGRES_USER=user', 'POSTGRES_PASSWORD=pass', 'POSTGRES_DB=myapp_dev'];
const DATA = '/var/lib/postgresql/data';
const tmp = mkdtempSync(join(tmpdir(), 'pgrestore-'));
let serial = 0;
const name = (what) => `${tag}-${what}-${++serial}`;

async function createVolume(what, opts = {}) {
  const volume = name(what);
  await docker.createVolume({ Name: volume, Labels: LABELS, ...opts });
  return volume;
}

async function postgresContainer({ volume, pgdata = DATA }) {
  const container = await docker.createContainer({
    name: name('pg'),
    Image: IMAGE,
    Env: [...ENV, `PGDATA=${pgdata}`],
    Labels: LABELS,
    ExposedPorts: { '5432/tcp': {} },
    HostConfig: {
      PortBindings: { '5432/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
      Mounts: volume ? [{ Type: 'volume', Source: volume, Target: DATA }] : [],
      Init: true,
    },
  });
  return container;
}

async function startAndWait(container) {
  const start = performance.now();
  await container.start();
  const info = await container.inspect();
  const port = Number(info.NetworkSettings.Ports['5432/tcp'][0].HostPort);
  for (;;) {
    if (await postgresProbe('127.0.0.1', port, { user: 'user', database: 'myapp_dev' })) break;
    const now = await container.inspect();
    if (now.State.Status === 'exited') {
      const logs = await container.logs({ stdout: true, stderr: true });
      throw new Error(`postgres exited: ${logs.toString().slice(-800)}`);
    }
    await sleep(20);
  }
  const ready = (performance.now() - start) / 1000;
  // The data must be the template's: the user's database answers a query.
  const { stdout } = await execa('psql', [
    `postgresql://user:pass@127.0.0.1:${port}/myapp_dev`,
    '-XAtqc',
    'select current_user',
  ]);
  if (stdout.trim() !== 'user') throw new Error(`unexpected answer ${stdout}`);
  return ready;
}

async function runHelper(image, cmd, mounts, entrypoint) {
  const helper = await docker.createContainer({
    name: name('helper'),
    Image: image,
    Entrypoint: entrypoint,
    Cmd: cmd,
    Labels: LABELS,
    HostConfig: { Mounts: mounts, NetworkMode: 'none' },
  });
  await helper.start();
  const result = await helper.wait();
  // v: the image's own VOLUME gave the helper an anonymous volume.
  await helper.remove({ force: true, v: true });
  if (result.StatusCode !== 0) throw new Error(`helper ${cmd.join(' ')} exited ${result.StatusCode}`);
}

/** One initialized data directory, in a cache volume, a tar, a tar.gz and an image. */
async function buildCache() {
  const cacheVolume = await createVolume('cache');
  const builder = await postgresContainer({ volume: cacheVolume });
  const initdb = await startAndWait(builder);
  await builder.stop({ t: 10 });
  const tar = join(tmp, 'data.tar');
  await pipeline(await builder.getArchive({ path: DATA }), createWriteStream(tar));
  await builder.remove({ force: true });
  await pipeline(createReadStream(tar), createGzip({ level: 1 }), createWriteStream(`${tar}.gz`));
  // The image: the tar imported as a one-layer image (owners and modes kept), the directory at /data.
  const imported = await docker.importImage(createReadStream(tar), {
    repo: `devenv-bench/${tag}`,
    tag: 'cache',
    changes: [`LABEL dev.devenv.bench=${tag}`],
  });
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(imported, (error) => (error ? reject(error) : resolve())),
  );
  const committed = { Id: `devenv-bench/${tag}:cache` };
  const mountpoint = (await docker.getVolume(cacheVolume).inspect()).Mountpoint;
  // The fill pool's first copy: made after a first (untimed) fill.
  const imageId = (await docker.getImage(committed.Id).inspect()).Id;
  const root = (await docker.info()).DockerRootDir;
  await volumeClient.fillVolumeFromImage(await createVolume('seed'), committed.Id, '/data', LABELS, {
    toolsImage: IMAGE,
  });
  return {
    poolVolume: fillPoolVolume(imageId, '/data'),
    poolDir: `${root}/volumes/${fillPoolVolume(imageId, '/data')}/_data`,
    cacheVolume,
    mountpoint,
    tar,
    gz: `${tar}.gz`,
    image: committed.Id,
    initdb,
    sizes: { tar: statSync(tar).size, gz: statSync(`${tar}.gz`).size },
  };
}

const methods = {
  async initdb() {
    const volume = await createVolume('target');
    const t0 = performance.now();
    const container = await postgresContainer({ volume });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
  async tar(cache) {
    const volume = await createVolume('target');
    const t0 = performance.now();
    const container = await postgresContainer({ volume });
    await container.putArchive(createReadStream(cache.tar), { path: '/var/lib/postgresql' });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
  async 'tar.gz'(cache) {
    const volume = await createVolume('target');
    const t0 = performance.now();
    const container = await postgresContainer({ volume });
    await container.putArchive(createReadStream(cache.gz), { path: '/var/lib/postgresql' });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
  async 'rootfs-tar'(cache) {
    const t0 = performance.now();
    const container = await postgresContainer({ pgdata: '/srv/data' });
    await container.putArchive(createReadStream(cache.tar), { path: '/srv' });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
  async 'rootfs-tar.gz'(cache) {
    const t0 = performance.now();
    const container = await postgresContainer({ pgdata: '/srv/data' });
    await container.putArchive(createReadStream(cache.gz), { path: '/srv' });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
  async 'rootfs-relay'(cache) {
    const t0 = performance.now();
    const [container, filler] = await Promise.all([
      postgresContainer({ pgdata: '/srv/data' }),
      docker.createContainer({ name: name('filler'), Image: cache.image, Labels: LABELS, Cmd: ['/none'] }),
    ]);
    await container.putArchive(await filler.getArchive({ path: '/data' }), { path: '/srv' });
    await filler.remove({ force: true, v: true });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
  async 'cp-helper'(cache) {
    const t0 = performance.now();
    const volume = await createVolume('target');
    await runHelper(
      IMAGE,
      ['-a', '/from/.', '/to/'],
      [
        { Type: 'volume', Source: cache.cacheVolume, Target: '/from', ReadOnly: true },
        { Type: 'volume', Source: volume, Target: '/to' },
      ],
      ['cp'],
    );
    const container = await postgresContainer({ volume });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
  async overlay(cache) {
    const t0 = performance.now();
    const [upper, work] = await Promise.all([createVolume('upper'), createVolume('work')]);
    const [up, wk] = await Promise.all(
      [upper, work].map(async (v) => (await docker.getVolume(v).inspect()).Mountpoint),
    );
    const volume = await createVolume('overlay', {
      DriverOpts: {
        type: 'overlay',
        device: 'overlay',
        o: `lowerdir=${cache.mountpoint},upperdir=${up},workdir=${wk}`,
      },
    });
    const container = await postgresContainer({ volume });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
  async 'fill-pool'(cache) {
    for (let i = 0; i < 600 && !existsSync(`${cache.poolDir}/ready`); i++) await sleep(50);
    const t0 = performance.now();
    const volume = await createVolume('target');
    await volumeClient.fillVolumeFromImage(volume, cache.image, '/data', LABELS, { toolsImage: IMAGE });
    const container = await postgresContainer({ volume });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
  async 'image-copy'(cache) {
    const t0 = performance.now();
    const volume = await createVolume('target');
    const filler = await docker.createContainer({
      name: name('filler'),
      Image: cache.image,
      Labels: LABELS,
      Cmd: ['/none'],
      HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/data' }], NetworkMode: 'none' },
    });
    await filler.remove({ force: true, v: true });
    const container = await postgresContainer({ volume });
    return { container, restore: (performance.now() - t0) / 1000 };
  },
};

async function cleanup(cache) {
  if (cache)
    await docker
      .getVolume(cache.poolVolume)
      .remove()
      .catch(() => undefined);
  const filters = JSON.stringify({ label: [`dev.devenv.bench=${tag}`] });
  for (const c of await docker.listContainers({ all: true, filters }))
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  const { Volumes } = await docker.listVolumes({ filters });
  // Overlay volumes first: their upper/work volumes are plain ones listed beside them.
  const ordered = [...(Volumes ?? [])].sort(
    (a, b) => Number(b.Name.includes('overlay')) - Number(a.Name.includes('overlay')),
  );
  for (const v of ordered)
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => undefined);
  await docker
    .getImage(`devenv-bench/${tag}:cache`)
    .remove({ force: true })
    .catch(() => undefined);
  rmSync(tmp, { recursive: true, force: true });
}

async function main() {
  const engine = await docker.version();
  console.log(`engine ${engine.Version}; image ${IMAGE}; ${RUNS} runs each, alternating`);
  cache = await buildCache();
  console.log(
    `cache: tar ${(cache.sizes.tar / 1e6).toFixed(1)} MB, tar.gz ${(cache.sizes.gz / 1e6).toFixed(1)} MB; builder initdb to ready ${cache.initdb.toFixed(2)} s`,
  );
  const only = process.argv.indexOf('--only');
  const names = only > 0 ? process.argv[only + 1].split(',') : Object.keys(methods);
  const times = Object.fromEntries(names.map((n) => [n, { restore: [], ready: [], total: [] }]));
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 === 0 ? names : [...names].reverse();
    for (const method of order) {
      const { container, restore } = await methods[method](cache);
      const ready = await startAndWait(container);
      times[method].restore.push(restore);
      times[method].ready.push(ready);
      times[method].total.push(restore + ready);
      await container.remove({ force: true, v: true });
    }
  }
  console.log('\nmethod          restore   start->ready   total   (medians, s)');
  for (const method of names) {
    const t = times[method];
    console.log(
      `${method.padEnd(14)} ${median(t.restore).toFixed(3).padStart(8)} ${median(t.ready).toFixed(3).padStart(13)} ${median(t.total).toFixed(3).padStart(8)}`,
    );
  }
}

let cache;
try {
  await main();
} finally {
  await cleanup(cache);
}
