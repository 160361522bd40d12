/**
 * The Postgres data-directory cache against the real engine, through the CLI,
 * for each place PGDATA can live: the volume devenv makes for the image's
 * VOLUME, a named volume, and the container's own filesystem (the stand-in
 * without VOLUME). A second stack starts from the cache (its data.cache event
 * says so) and its database has the template's user and database and works; a
 * changed setting or init script builds a new cache; a volume that existed
 * before the `up` is never written.
 *
 * Settings carry the run's prefix, so every cache key is this run's own: the
 * first stack of each template builds, and the cache images this run made
 * (named by the events) are removed afterwards, with the stacks (by branch
 * prefix) and the blob directory.
 */
import { removeDataCacheImage } from '../../support/data-cache-cleanup.js';
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../../src/app/events.js';
import { devenv, standInImages } from '../../support/cli.js';
import { docker, reapBranchPrefix, runPrefix, stackResources } from '../../support/engine-state.js';
import { tempProject, type TempProject } from '../../support/projects.js';
import { buildCli, query } from '../testdb/template-stack.js';

type DataCacheEvent = Extract<DevenvEvent, { type: 'data.cache' }>;

const prefix = runPrefix();
const user = `u_${prefix}`;
const projects: TempProject[] = [];
const cacheImages = new Set<string>();
const foreign = { volume: `${prefix}-foreign_pgdata`, container: `${prefix}-foreign-init` };
let cacheDir: string;

beforeAll(async () => {
  await buildCli();
  cacheDir = await mkdtemp(join(tmpdir(), 'devenv-pgcache-'));
  if (
    !(await docker
      .getImage(NOVOLUME)
      .inspect()
      .catch(() => undefined))
  )
    await execa('bash', ['test/support/prepare-engine.sh'], { stdio: 'inherit' });
});

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await docker
    .getContainer(foreign.container)
    .remove({ force: true, v: true })
    .catch(() => undefined);
  await docker
    .getVolume(foreign.volume)
    .remove()
    .catch(() => undefined);
  for (const image of cacheImages) await removeDataCacheImage(docker, image);
  await Promise.all(projects.map((p) => p.remove()));
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
});

const NOVOLUME = 'devenv-test/postgres:15-novolume';

function compose(database: string, extra: { env?: string; service?: string; top?: string } = {}): string {
  return `
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment:
      POSTGRES_USER: ${user}
      POSTGRES_PASSWORD: pass
      POSTGRES_DB: ${database}
${extra.env ?? ''}    ports:
      - "5432"
${extra.service ?? ''}${extra.top ?? ''}`;
}

async function project(files: Record<string, string>): Promise<TempProject> {
  const created = await tempProject(files, 'devenv-pgcache-');
  projects.push(created);
  return created;
}

interface Up {
  stack: string;
  port: number;
  cache: DataCacheEvent[];
}

async function up(
  dir: string,
  branch: string,
  env: Record<string, string> = {},
  stack?: string,
): Promise<Up> {
  const args = [
    'up',
    '-d',
    '--json',
    '--branch',
    `${prefix}-${branch}`,
    ...(stack ? ['--stack', stack] : []),
  ];
  const result = await devenv(dir, args, { DEVENV_CACHE_DIR: cacheDir, ...env });
  const events = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as DevenvEvent);
  const cache = events.filter((e): e is DataCacheEvent => e.type === 'data.cache');
  // Recorded before anything is asserted: a failed up's cache image is removed too.
  for (const event of cache) if (event.placement === 'volume' && event.cache) cacheImages.add(event.cache);
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  const resolved = events.find((e) => e.type === 'stack.resolved');
  const ready = events.find((e) => e.type === 'service.ready' && e.service === 'postgres');
  const port = ready?.type === 'service.ready' ? ready.ports[0]?.hostPort : undefined;
  if (resolved?.type !== 'stack.resolved' || port === undefined) throw new Error(result.stdout);
  return { stack: resolved.stack, port, cache };
}

const url = (port: number, database: string, role = user) =>
  `postgresql://${role}:pass@127.0.0.1:${port}/${database}`;

/** The template's user and database answer, and the database takes writes. */
async function expectWorkingDatabase(port: number, database: string): Promise<void> {
  expect(await query(url(port, database), "SELECT current_user || ' ' || current_database()")).toBe(
    `${user} ${database}`,
  );
  expect(
    await query(
      url(port, database),
      'CREATE TABLE works (x int); INSERT INTO works VALUES (7); SELECT x FROM works',
    ),
  ).toBe('7');
}

describe('PGDATA on the volume devenv makes for the image VOLUME', () => {
  const database = `app_${prefix}`;
  let first: Up;

  it('the first stack builds the cache, the second starts from it and works', async () => {
    const { dir } = await project({ 'compose.yaml': compose(database) });
    first = await up(dir, 'anon1');
    expect(first.cache).toMatchObject([{ service: 'postgres', outcome: 'built', placement: 'volume' }]);
    const second = await up(dir, 'anon2');
    expect(second.cache).toEqual([
      expect.objectContaining({ outcome: 'restored', placement: 'volume', cache: first.cache[0]?.cache }),
    ]);
    await expectWorkingDatabase(second.port, database);

    // The volume is the stack's (down --volumes removes it); the cache is no stack's.
    const volumes = (await stackResources(second.stack)).volumes;
    expect(volumes.map((v) => v.Name)).toContain(`${second.stack}_postgres-var-lib-postgresql-data`);
    const down = await devenv(dir, ['down', '--volumes', '--branch', `${prefix}-anon2`]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect((await stackResources(second.stack)).volumes).toEqual([]);
    expect(await docker.getImage(first.cache[0]!.cache!).inspect()).toBeDefined();
    // gc finds it (a dry run: other runs' caches on this engine are not this test's to remove).
    const gc = await devenv(dir, ['gc', '--dry-run', '--data-cache'], { DEVENV_CACHE_DIR: cacheDir });
    expect(gc.exitCode, gc.stderr).toBe(0);
    expect(gc.stdout).toContain(
      `would remove data cache ${first.cache[0]!.cache!}: every data cache is dropped`,
    );
  });

  it('a named volume at the same place starts from the same cache', async () => {
    const { dir } = await project({
      'compose.yaml': compose(database, {
        service: '    volumes:\n      - pgdata:/var/lib/postgresql/data\n',
        top: 'volumes:\n  pgdata: {}\n',
      }),
    });
    const named = await up(dir, 'named');
    expect(named.cache).toEqual([
      expect.objectContaining({ outcome: 'restored', placement: 'volume', cache: first.cache[0]?.cache }),
    ]);
    await expectWorkingDatabase(named.port, database);
  });
});

describe("PGDATA in the container's own filesystem (an image without VOLUME)", () => {
  it('the first stack builds the cache, the second starts from it and works', async () => {
    const database = `app_${prefix}_rootfs`;
    const { dir } = await project({ 'compose.yaml': compose(database) });
    const env = { POSTGRES_IMAGE: NOVOLUME };
    const first = await up(dir, 'rootfs1', env);
    expect(first.cache).toMatchObject([{ outcome: 'built', placement: 'container' }]);
    const second = await up(dir, 'rootfs2', env);
    expect(second.cache).toEqual([
      expect.objectContaining({ outcome: 'restored', placement: 'container', cache: first.cache[0]?.cache }),
    ]);
    await expectWorkingDatabase(second.port, database);
    expect((await stackResources(second.stack)).volumes).toEqual([]);
  });
});

describe('a changed setting or init script builds a new cache', () => {
  it('POSTGRES_INITDB_ARGS changed: built again, and the new setting holds', async () => {
    const database = `app_${prefix}_args`;
    const plain = await up((await project({ 'compose.yaml': compose(database) })).dir, 'args1');
    const { dir } = await project({
      'compose.yaml': compose(database, { env: '      POSTGRES_INITDB_ARGS: --data-checksums\n' }),
    });
    const changed = await up(dir, 'args2');
    expect(changed.cache).toMatchObject([{ outcome: 'built' }]);
    expect(changed.cache[0]?.cache).not.toBe(plain.cache[0]?.cache);
    expect(await query(url(changed.port, database), 'SHOW data_checksums')).toBe('on');
  });

  it('an init script changed: built again, and the new script ran, not the old one', async () => {
    const database = `app_${prefix}_init`;
    const files = (table: string) => ({
      'compose.yaml': compose(database, {
        service: '    volumes:\n      - ./initdb:/docker-entrypoint-initdb.d:ro\n',
      }),
      'initdb/01-schema.sql': `CREATE TABLE ${table} (id int);\n`,
    });
    const { dir } = await project(files('first_table'));
    const before = await up(dir, 'init1');
    expect(before.cache).toMatchObject([{ outcome: 'built' }]);
    const edited = await project(files('second_table'));
    const after = await up(edited.dir, 'init2');
    expect(after.cache).toMatchObject([{ outcome: 'built' }]);
    expect(after.cache[0]?.cache).not.toBe(before.cache[0]?.cache);
    const tables = `SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'`;
    expect(await query(url(after.port, database), tables)).toBe('second_table');
  });
});

describe('an existing volume is never written', () => {
  const database = `app_${prefix}_kept`;
  const namedCompose = compose(database, {
    service: '    volumes:\n      - pgdata:/var/lib/postgresql/data\n',
    top: 'volumes:\n  pgdata: {}\n',
  });

  it("a volume of the stack's name that someone else made, with their database in it", async () => {
    await docker.createVolume({ Name: foreign.volume, Labels: { 'dev.devenv.test-run': prefix } });
    // Their database: initialized by the stand-in with another user, and a table of theirs.
    const init = await docker.createContainer({
      name: foreign.container,
      Image: standInImages.POSTGRES_IMAGE,
      Env: ['POSTGRES_USER=other', 'POSTGRES_PASSWORD=pass', 'POSTGRES_DB=theirs'],
      HostConfig: {
        Mounts: [{ Type: 'volume', Source: foreign.volume, Target: '/var/lib/postgresql/data' }],
      },
      Cmd: [
        'bash',
        '-c',
        'echo "CREATE TABLE their_table (x int);" > /docker-entrypoint-initdb.d/t.sql && exec docker-entrypoint.sh postgres',
      ],
      Entrypoint: [],
    });
    await init.start();
    for (let i = 0; i < 600; i++) {
      const logs = (await init.logs({ stdout: true, stderr: true })).toString();
      if (logs.includes('init process complete')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await init.stop({ t: 10 });
    await init.remove();

    const { dir } = await project({ 'compose.yaml': namedCompose });
    const mine = await up(dir, 'foreign', {}, `${prefix}-foreign`);
    expect(mine.cache).toMatchObject([
      { outcome: 'skipped', placement: 'volume', reason: `volume ${foreign.volume} existed before this up` },
    ]);
    // Their data, untouched: their user, their database, their table; the template's user was never created.
    expect(await query(url(mine.port, 'theirs', 'other'), 'SELECT count(*) FROM their_table')).toBe('0');
    await expect(query(url(mine.port, database), 'SELECT 1')).rejects.toThrow(
      /password authentication|does not exist/,
    );
  });

  it("the stack's own volume from an earlier up: not a new data directory, no cache at all", async () => {
    const { dir } = await project({ 'compose.yaml': namedCompose });
    const first = await up(dir, 'again');
    await query(url(first.port, database), 'CREATE TABLE keep_me (x int)');
    const down = await devenv(dir, ['down', '--branch', `${prefix}-again`]);
    expect(down.exitCode, down.stderr).toBe(0);
    const again = await up(dir, 'again');
    expect(again.cache).toEqual([]);
    expect(
      await query(url(again.port, database), "SELECT count(*) FROM pg_tables WHERE tablename = 'keep_me'"),
    ).toBe('1');
  });
});
