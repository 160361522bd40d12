#!/usr/bin/env node
// Benchmark (not a test): `devenv db dump` and `devenv db load` on a real stack (devenv up -d,
// stand-in Postgres 15) holding one table of ROWS rows (~180 bytes each), against the peer a user
// would reach for: the docker CLI piping pg_dump out of / psql or pg_restore into the container.
// Both go through the engine's exec connection; devenv's adds the stamp check (skipped here with
// --i-know-this-is-not-production-data), a fresh database and the swap. Wall time of each command,
// MB/s of the file. Also the streaming exec alone: 50 MB through `cat` in the container and back.
//
// Usage: npm run build && node bench/db-dump-load.mjs [--rows 1500000]
//        (needs the engine and stand-in images: bash test/support/prepare-engine.sh)
import { execa } from 'execa';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DockerEngine } from '../dist/adapters/docker/docker-engine.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = process.argv.indexOf('--rows');
const ROWS = at > 0 ? Number(process.argv[at + 1]) : 1_500_000;
const IMAGE = process.env.DEVENV_OFFICIAL_IMAGES ? 'postgres:15' : 'devenv-test/postgres:15';
const env = { ...process.env, POSTGRES_IMAGE: IMAGE, NO_COLOR: '1', CI: 'true' };
const branch = `bench-dump-${process.pid}`;

const compose = `
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: app, POSTGRES_DB: app_dev }
    ports: ["5432"]
`;

const dir = await mkdtemp(join(tmpdir(), 'devenv-bench-dump-'));
const devenv = (args) =>
  execa(process.execPath, [join(root, 'bin/devenv'), ...args, '--branch', branch], { cwd: dir, env });
const seconds = async (work) => {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
};
const size = async (file) => (await stat(join(dir, file))).size;
const mb = (bytes) => bytes / (1024 * 1024);
const rows = [];
const row = (what, secs, bytes) =>
  rows.push(
    `${what.padEnd(44)} ${secs.toFixed(1).padStart(6)} s  ${mb(bytes).toFixed(0).padStart(5)} MB  ${(mb(bytes) / secs).toFixed(1).padStart(6)} MB/s`,
  );

try {
  await writeFile(join(dir, 'compose.yaml'), compose);
  await devenv(['up', '-d']);
  const { stdout } = await devenv(['ls', '--json']);
  const stack = JSON.parse(stdout).find((s) => s.branch === branch);
  const container = stack.services.find((s) => s.service === 'postgres').container;
  const psql = (sql) =>
    execa('docker', ['exec', container, 'psql', '-U', 'app', '-d', 'app_dev', '-qtAc', sql]);
  await psql(
    `create table big as select g as id, md5(g::text) || repeat('x', 150) as payload from generate_series(1, ${ROWS}) g`,
  );
  const dbSize = (await psql("select pg_database_size('app_dev')")).stdout;

  // The streaming exec alone.
  const engine = await DockerEngine.connect();
  const chunk = Buffer.alloc(256 * 1024, 7);
  let sent = 0;
  const stdin = new Readable({
    read() {
      if (sent >= 50 * 1024 * 1024) this.push(null);
      else {
        sent += chunk.length;
        this.push(chunk);
      }
    },
  });
  const sink = new Writable({
    write(_c, _e, done) {
      done();
    },
  });
  row(
    'exec stream: 50 MB through cat (each way)',
    await seconds(() => engine.execStream(stack.services[0].container, ['cat'], { stdin, stdout: sink })),
    50 * 1024 * 1024,
  );

  for (const format of ['custom', 'plain']) {
    const file = format === 'custom' ? 'db.dump' : 'db.sql';
    row(
      `devenv db dump --format ${format}`,
      await seconds(() => devenv(['db', 'dump', '--format', format, '--out', file])),
      await size(file),
    );
    const peer = `peer.${file}`;
    row(
      `docker exec pg_dump -F${format[0]} > file`,
      await seconds(async () => {
        const out = createWriteStream(join(dir, peer));
        const child = execa(
          'docker',
          ['exec', container, 'pg_dump', '-U', 'app', `-F${format[0]}`, 'app_dev'],
          { buffer: false },
        );
        child.stdout.pipe(out);
        await child;
        await new Promise((resolve) => out.end(resolve));
      }),
      await size(peer),
    );
    row(
      `devenv db load (${format})`,
      await seconds(() => devenv(['db', 'load', file, '--i-know-this-is-not-production-data'])),
      await size(file),
    );
    await psql('create database peer_target');
    const loader =
      format === 'custom'
        ? ['pg_restore', '-U', 'app', '-d', 'peer_target', '--no-owner', '--exit-on-error']
        : ['psql', '-U', 'app', '-d', 'peer_target', '-q', '-v', 'ON_ERROR_STOP=1'];
    row(
      `docker exec -i ${loader[0]} < file`,
      await seconds(async () => {
        const child = execa('docker', ['exec', '-i', container, ...loader], { stdout: 'ignore' });
        createReadStream(join(dir, file)).pipe(child.stdin);
        await child;
      }),
      await size(file),
    );
    await execa('docker', [
      'exec',
      container,
      'psql',
      '-U',
      'app',
      '-d',
      'postgres',
      '-qc',
      'drop database peer_target',
    ]);
  }
  console.log(
    `database ${(Number(dbSize) / 1024 / 1024).toFixed(0)} MB (${ROWS} rows); ${cpus().length} CPUs, load average ${loadavg()[0].toFixed(1)} at the end`,
  );
  for (const line of rows) console.log(line);
} finally {
  await devenv(['down', '--volumes']).catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}
