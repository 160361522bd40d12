/**
 * "Migrate once, clone many" against a real stack: the template is built by
 * the project's own migrate and seed commands, each lease is a fresh copy,
 * copies are isolated, a migration edit rebuilds, release and crashed runs
 * leave nothing behind, and concurrent leases never share a database.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTemplateDatabaseProvider,
  type DatabaseSettings,
  type TemplateDatabaseOptions,
  type TemplateDatabaseProvider,
} from '../../../src/app/testing/template-database.js';
import type { TestDatabaseLease } from '../../../src/contracts/test-database.js';
import { CommandFailedError, DevenvError } from '../../../src/core/errors.js';
import { copyName, hostTag } from '../../../src/core/testdb/database-names.js';
import { reapBranchPrefix, runPrefix } from '../../support/engine-state.js';
import { tempProject, type TempProject } from '../../support/projects.js';
import { buildCli, query, upProject, type UpProject } from './template-stack.js';

const prefix = runPrefix();
const signal = new AbortController().signal;
let project: TempProject;
let stack: UpProject;
const leases: TestDatabaseLease[] = [];
const providers: TemplateDatabaseProvider[] = [];

const compose = `
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment:
      POSTGRES_USER: user
      POSTGRES_PASSWORD: pass
      POSTGRES_DB: app_dev
      DATABASE_URL: postgresql://user:pass@postgres:5432/app_dev
    ports:
      - "5432:5432"
`;

const settings: DatabaseSettings = {
  service: 'postgres',
  urlEnv: 'DATABASE_URL',
  migrate:
    'echo run >> migrate-runs.log && for f in migrations/*.sql; do psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f "$f" || exit 1; done',
  seed: 'psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f seed/users.sql',
  inputs: [],
};

async function migrateRuns(): Promise<number> {
  const text = await readFile(join(project.dir, 'migrate-runs.log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line === 'run').length;
}

/** The devenv databases in the stack's Postgres (through the maintenance database). */
async function devenvDatabases(anyLease: TestDatabaseLease): Promise<string[]> {
  const url = new URL(anyLease.env['DATABASE_URL']!);
  url.pathname = '/postgres';
  const names = await query(url.toString(), `SELECT datname FROM pg_database WHERE datname LIKE 'devenv%'`);
  return names.split('\n').filter(Boolean).sort();
}

function databaseOf(lease: TestDatabaseLease): string {
  return new URL(lease.env['DATABASE_URL']!).pathname.slice(1);
}

/** A provider on the test stack, closed (its ready copies dropped) after the file. */
function makeProvider(overrides: Partial<TemplateDatabaseOptions> = {}): TemplateDatabaseProvider {
  const made = createTemplateDatabaseProvider(stack.ctx, {
    target: stack.target,
    database: settings,
    ...overrides,
  });
  providers.push(made);
  return made;
}

async function lease(provider: TemplateDatabaseProvider, runId: string) {
  const leased = await provider.lease(runId, signal);
  leases.push(leased);
  return leased;
}

beforeAll(async () => {
  await buildCli();
  project = await tempProject({ 'compose.yaml': compose }, 'devenv-testdb-');
  stack = await upProject(project.dir, `${prefix}-testdb`);
  await stack.write(
    'migrations/001.sql',
    'CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL);\n',
  );
  await stack.write('seed/users.sql', "INSERT INTO users (name) VALUES ('ada'), ('grace');\n");
});

afterAll(async () => {
  for (const leased of leases) await leased.release().catch(() => undefined);
  for (const made of providers) await made.close().catch(() => undefined);
  await reapBranchPrefix(prefix);
  await project?.remove();
});

describe('template database provider', () => {
  const provider = () => makeProvider();
  let shared: TemplateDatabaseProvider;

  it('builds the template once and leases a fresh copy with the schema and seed rows', async () => {
    shared = provider();
    const first = await lease(shared, 'run-1');
    expect(await migrateRuns()).toBe(1);
    expect(shared.builds).toBe(1);
    expect(databaseOf(first)).toMatch(/^devenv_run_[0-9a-f]{6}_\d+_[0-9a-z]+_[0-9a-f]+_run_1$/);
    expect(await query(first.env['DATABASE_URL']!, 'SELECT name FROM users ORDER BY id')).toBe('ada\ngrace');
    const databases = await devenvDatabases(first);
    expect(databases.filter((name) => name.startsWith('devenv_tpl_'))).toHaveLength(1);
  });

  it('reuses the template while migrations and seeds are unchanged', async () => {
    const second = await lease(shared, 'run-2');
    expect(await migrateRuns()).toBe(1);
    expect(shared.builds).toBe(1);
    expect(await query(second.env['DATABASE_URL']!, 'SELECT count(*) FROM users')).toBe('2');
    // A new provider (another process) finds the same template by its key.
    const other = provider();
    const third = await lease(other, 'run-3');
    expect(other.builds).toBe(0);
    expect(await migrateRuns()).toBe(1);
    expect(databaseOf(third)).not.toBe(databaseOf(second));
  });

  it('keeps writes in one copy out of every other copy', async () => {
    const a = await lease(shared, 'writer');
    const b = await lease(shared, 'reader');
    await query(a.env['DATABASE_URL']!, "INSERT INTO users (name) VALUES ('linus')");
    expect(await query(a.env['DATABASE_URL']!, 'SELECT count(*) FROM users')).toBe('3');
    expect(await query(b.env['DATABASE_URL']!, 'SELECT count(*) FROM users')).toBe('2');
    const c = await lease(shared, 'after-write');
    expect(await query(c.env['DATABASE_URL']!, 'SELECT count(*) FROM users')).toBe('2');
  });

  it('rebuilds after a migration edit and invalidate(), and drops the old template', async () => {
    const before = await lease(shared, 'before-edit');
    await stack.write('migrations/002.sql', 'ALTER TABLE users ADD COLUMN email text;\n');
    shared.invalidate();
    const after = await lease(shared, 'after-edit');
    expect(await migrateRuns()).toBe(2);
    expect(shared.builds).toBe(2);
    expect(await query(after.env['DATABASE_URL']!, 'SELECT count(email) FROM users')).toBe('0');
    await expect(query(before.env['DATABASE_URL']!, 'SELECT count(email) FROM users')).rejects.toThrow(
      /column "email" does not exist/,
    );
    // The old template is dropped in the background, after the lease.
    await shared.settled();
    const templates = (await devenvDatabases(after)).filter((name) => name.startsWith('devenv_tpl_'));
    expect(templates).toHaveLength(1);
  });

  it('drops the copy on release, and release twice is harmless', async () => {
    const leased = await lease(shared, 'released');
    const name = databaseOf(leased);
    // An open connection (a test's pool left behind) does not block the drop.
    const holder = execa('psql', [leased.env['DATABASE_URL']!, '-X', '-c', 'SELECT pg_sleep(120)'], {
      reject: false,
    });
    const admin = new URL(leased.env['DATABASE_URL']!);
    admin.pathname = '/postgres';
    const connected = `SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}'`;
    while ((await query(admin.toString(), connected)) === '0') await setTimeout(20);
    expect(await devenvDatabases(leased)).toContain(name);
    await leased.release();
    expect((await holder).exitCode).not.toBe(0);
    await leased.release();
    expect(await devenvDatabases(leased)).not.toContain(name);
  });

  it('gives concurrent leases different databases, also while the template is being built', async () => {
    await stack.write('migrations/003.sql', 'CREATE TABLE orders (id serial PRIMARY KEY);\n');
    const [p1, p2] = [provider(), provider()];
    const got = await Promise.all([
      lease(p1, 'terminal-1'),
      lease(p2, 'terminal-2'),
      lease(p1, 'terminal-1b'),
    ]);
    const names = got.map(databaseOf);
    expect(new Set(names).size).toBe(3);
    for (const leased of got)
      expect(await query(leased.env['DATABASE_URL']!, 'SELECT count(*) FROM orders')).toBe('0');
    await Promise.all([p1.settled(), p2.settled()]); // the old template is dropped in the background
    const databases = await devenvDatabases(got[0]!);
    expect(databases.filter((name) => name.startsWith('devenv_tpl_'))).toHaveLength(1);
    expect(databases.filter((name) => name.startsWith('devenv_tplb_'))).toEqual([]);
  });

  it('drops copies whose owner process is gone', async () => {
    const leased = await lease(shared, 'probe');
    const deadPid = 2 ** 22 + 12345; // above pid_max on Linux: never alive
    const orphan = copyName(
      { hostTag: hostTag(stack.ctx.host.hostname), pid: deadPid, createdAt: Date.now() },
      'dead01',
      'crashed',
    );
    const admin = new URL(leased.env['DATABASE_URL']!);
    admin.pathname = '/postgres';
    await query(admin.toString(), `CREATE DATABASE "${orphan}"`);
    expect(await devenvDatabases(leased)).toContain(orphan);
    const fresh = provider();
    await lease(fresh, 'after-crash');
    await fresh.settled(); // stale databases are dropped in the background
    expect(await devenvDatabases(leased)).not.toContain(orphan);
  });

  it('stops a build when the lease is cancelled, and leaves no scratch database', async () => {
    const marker = join(project.dir, 'migrate-started');
    const slow = makeProvider({ database: { ...settings, migrate: `touch ${marker} && sleep 60` } });
    const cancel = new AbortController();
    const pending = slow.lease('cancelled', cancel.signal).catch((e: unknown) => e);
    while (!existsSync(marker)) await setTimeout(20);
    cancel.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('INTERRUPTED');
    const leased = await lease(shared, 'after-cancel');
    expect((await devenvDatabases(leased)).filter((name) => name.startsWith('devenv_tplb_'))).toEqual([]);
  });

  it('reports a failing migration with its output and leaves no half-built template', async () => {
    await stack.write('migrations/004.sql', 'ALTER TABLE no_such_table ADD COLUMN x int;\n');
    const failing = provider();
    const error = await failing.lease('broken', signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as CommandFailedError).code).toBe('COMMAND_FAILED');
    expect((error as CommandFailedError).message).toMatch(/migrate command failed \(exit 1\)/);
    expect((error as CommandFailedError).failed).toMatchObject({ command: settings.migrate, exitCode: 1 });
    expect((error as CommandFailedError).details.join('\n')).toMatch(/no_such_table/);
    await rm(join(project.dir, 'migrations/004.sql'));
    shared.invalidate();
    const runs = await migrateRuns();
    const leased = await lease(shared, 'fixed');
    expect(await migrateRuns()).toBe(runs); // 001-003 again: the template from before is still there
    expect(await query(leased.env['DATABASE_URL']!, 'SELECT count(*) FROM orders')).toBe('0');
    expect((await devenvDatabases(leased)).filter((name) => name.startsWith('devenv_tplb_'))).toEqual([]);
  });
});

describe('ready copies (the pool)', () => {
  /** Names made by one provider carry its random prefix (every provider here runs in this process). */
  let tags = 0;
  function tagged(): { tag: string; randomId: () => string } {
    const tag = `q${(tags++).toString(36)}x`;
    let n = 0;
    return { tag, randomId: () => `${tag}${(n++).toString(36)}` };
  }
  async function namesOf(tag: string, anyLease: TestDatabaseLease): Promise<string[]> {
    return (await devenvDatabases(anyLease)).filter((name) => name.includes(`_${tag}`));
  }
  function urlOf(anyLease: TestDatabaseLease, database: string): string {
    const url = new URL(anyLease.env['DATABASE_URL']!);
    url.pathname = `/${database}`;
    return url.toString();
  }

  it('keeps copies of the current template ready, hands one out renamed to the run, and refills', async () => {
    const { tag, randomId } = tagged();
    const pooled = makeProvider({ randomId, poolSize: 2 });
    const first = await lease(pooled, 'warm-up');
    await pooled.settled();
    expect(pooled.pooled()).toEqual({ ready: 2, filling: 0 });
    const ready = (await namesOf(tag, first)).filter((name) => name.endsWith('_pool'));
    expect(ready).toHaveLength(2);
    expect((await namesOf(tag, first)).filter((name) => name.endsWith('_spare'))).toHaveLength(1);
    // Statements go over connections from the host, not psql in the container.
    const admin = urlOf(first, 'postgres');
    expect(
      Number(
        await query(
          admin,
          `SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'devenv-testdb%'`,
        ),
      ),
    ).toBeGreaterThanOrEqual(2);

    const second = await lease(pooled, 'from-pool');
    expect(pooled.pooled().ready).toBe(1);
    expect(databaseOf(second)).toMatch(new RegExp(`^devenv_run_.*_${tag}[0-9a-z]+_from_pool$`));
    const left = (await namesOf(tag, second)).filter((name) => name.endsWith('_pool'));
    expect(left.filter((name) => ready.includes(name))).toHaveLength(1); // one was renamed to the run
    expect(await query(second.env['DATABASE_URL']!, 'SELECT count(*) FROM users')).toBe('2');
    expect(await query(second.env['DATABASE_URL']!, 'SELECT count(*) FROM orders')).toBe('0');
    await pooled.settled();
    expect(pooled.pooled()).toEqual({ ready: 2, filling: 0 });
  });

  it('gives concurrent leases different copies, more than the pool holds', async () => {
    const { randomId } = tagged();
    const pooled = makeProvider({ randomId, poolSize: 2 });
    await lease(pooled, 'warm-up');
    await pooled.settled();
    const got = await Promise.all(['c1', 'c2', 'c3', 'c4'].map((runId) => lease(pooled, runId)));
    expect(new Set(got.map(databaseOf)).size).toBe(4);
    for (const leased of got)
      expect(await query(leased.env['DATABASE_URL']!, 'SELECT count(*) FROM users')).toBe('2');
  });

  it('skips a ready copy someone else dropped', async () => {
    const { tag, randomId } = tagged();
    const pooled = makeProvider({ randomId, poolSize: 1 });
    const first = await lease(pooled, 'warm-up');
    await pooled.settled();
    const [ready] = (await namesOf(tag, first)).filter((name) => name.endsWith('_pool'));
    await query(urlOf(first, 'postgres'), `DROP DATABASE "${ready}"`);
    const next = await lease(pooled, 'after-drop');
    expect(await query(next.env['DATABASE_URL']!, 'SELECT count(*) FROM users')).toBe('2');
  });

  it('keeps the ready copies when invalidate() finds the files unchanged', async () => {
    const { randomId } = tagged();
    const pooled = makeProvider({ randomId, poolSize: 2 });
    await lease(pooled, 'warm-up');
    await pooled.settled();
    const runs = await migrateRuns();
    pooled.invalidate();
    await lease(pooled, 'unchanged');
    expect(pooled.pooled().ready).toBe(1); // taken from the pool, not cloned
    expect(await migrateRuns()).toBe(runs);
    expect(pooled.builds).toBe(0);
  });

  it('drops the ready copies when the template changes and never hands out a copy of the old one', async () => {
    const { tag, randomId } = tagged();
    const pooled = makeProvider({ randomId, poolSize: 2 });
    const first = await lease(pooled, 'warm-up');
    await pooled.settled();
    const old = (await namesOf(tag, first)).filter((name) => name.endsWith('_pool'));
    expect(old).toHaveLength(2);
    await stack.write('migrations/005.sql', 'ALTER TABLE orders ADD COLUMN total int;\n');
    pooled.invalidate();
    const after = await lease(pooled, 'after-change');
    expect(await query(after.env['DATABASE_URL']!, 'SELECT count(total) FROM orders')).toBe('0');
    await pooled.settled();
    const now = (await namesOf(tag, after)).filter((name) => name.endsWith('_pool'));
    expect(now).toHaveLength(2);
    expect(now.filter((name) => old.includes(name))).toEqual([]);
    for (const name of now)
      expect(await query(urlOf(after, name), 'SELECT count(total) FROM orders')).toBe('0');
    // Every later lease has the new column, from the pool or not.
    for (const runId of ['n1', 'n2', 'n3']) {
      const next = await lease(pooled, runId);
      expect(await query(next.env['DATABASE_URL']!, 'SELECT count(total) FROM orders')).toBe('0');
    }
  });

  it('drops the ready copies, the spare and copies not released when it closes', async () => {
    const { tag, randomId } = tagged();
    const pooled = makeProvider({ randomId, poolSize: 2 });
    const kept = await lease(pooled, 'not-released');
    await pooled.settled();
    expect(await namesOf(tag, kept)).toHaveLength(4); // the lease, two ready copies, the spare
    const witness = await lease(makeProvider({ poolSize: 0 }), 'witness');
    await pooled.close();
    expect(await namesOf(tag, witness)).toEqual([]);
    await kept.release(); // harmless after close
  });

  it('runs the statements with psql in the container when the host cannot connect', async () => {
    const { randomId } = tagged();
    const events: string[] = [];
    const ctx = {
      ...stack.ctx,
      sqlSession: () => Promise.reject(new Error('connect ETIMEDOUT')),
      emit: (event: Parameters<typeof stack.ctx.emit>[0]) => {
        if (event.type === 'info') events.push(event.message);
      },
    };
    const viaPsql = createTemplateDatabaseProvider(ctx, {
      target: stack.target,
      database: settings,
      randomId,
    });
    providers.push(viaPsql);
    const leased = await lease(viaPsql, 'via-psql');
    expect(await query(leased.env['DATABASE_URL']!, 'SELECT count(*) FROM users')).toBe('2');
    expect(events.join('\n')).toMatch(
      /statements run with psql in the container \(the host cannot connect to .*ETIMEDOUT\)/,
    );
    await viaPsql.settled();
    expect(viaPsql.pooled().ready).toBe(2);
    await leased.release();
  });

  it('connects again after the server restarted', async () => {
    const { randomId } = tagged();
    const pooled = makeProvider({ randomId, poolSize: 1 });
    const first = await lease(pooled, 'before-restart');
    await pooled.settled();
    const backend = await stack.ctx.backend();
    const { containers } = await backend.observe(stack.target.identity.name);
    const postgres = containers.find((c) => c.facts.service === 'postgres')!;
    await execa('docker', ['restart', '-t', '5', postgres.id]);
    const admin = new URL(first.env['DATABASE_URL']!);
    admin.pathname = '/postgres';
    for (let i = 0; ; i++) {
      const ok = await query(admin.toString(), 'SELECT 1').then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (i > 300) throw new Error('Postgres did not come back after the restart');
      await setTimeout(100);
    }
    const after = await lease(pooled, 'after-restart');
    expect(await query(after.env['DATABASE_URL']!, 'SELECT count(*) FROM users')).toBe('2');
    await after.release();
    await first.release();
  });

  it("keeps the newest template when a second rebuild comes before the first one's sweep ran", async () => {
    // Two rebuilds back to back: after the first, the background refills the pool before it sweeps,
    // and the second lease starts at once, so the first build's sweep is still queued when the
    // second template exists. That sweep must not take the new template for another key's.
    const quick = makeProvider({ poolSize: 2 });
    await lease(quick, 'rebuild-base');
    await stack.write('migrations/006.sql', 'ALTER TABLE users ADD COLUMN phone text;\n');
    quick.invalidate();
    await lease(quick, 'rebuild-a');
    await stack.write('migrations/007.sql', 'ALTER TABLE users ADD COLUMN city text;\n');
    quick.invalidate();
    const last = await lease(quick, 'rebuild-b');
    await quick.settled();
    const templates = (await devenvDatabases(last)).filter((name) => name.startsWith('devenv_tpl_'));
    expect(templates).toHaveLength(1);
    const again = await lease(quick, 'after-sweeps');
    expect(quick.builds).toBe(2);
    expect(await query(again.env['DATABASE_URL']!, 'SELECT count(city) FROM users')).toBe('0');
  });
});
