/**
 * The test databases' pool of ready copies on the in-memory engine and an
 * in-memory Postgres (test/support/fakes/memory-postgres.ts) behind the SQL
 * session port: a lease with unchanged files is one rename, the pool refills
 * in the background and never while a lease is in progress, a copy of an
 * outdated template is never handed out, concurrent leases never share a
 * copy, close() drops everything, server errors stay DATABASE_ERRORs with the
 * server's words, and a lost connection is replaced.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/context.js';
import { resolveStackTarget } from '../../../src/app/stack-target.js';
import {
  createTemplateDatabaseProvider,
  type TemplateDatabaseOptions,
  type TemplateDatabaseProvider,
} from '../../../src/app/testing/template-database.js';
import { up } from '../../../src/app/up.js';
import type { TestDatabaseLease } from '../../../src/contracts/test-database.js';
import { DevenvError } from '../../../src/core/errors.js';
import { SqlError } from '../../../src/core/testdb/sql-error.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';
import { memoryPostgres, type MemoryPostgres } from '../../support/fakes/memory-postgres.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
const providers: TemplateDatabaseProvider[] = [];
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.close()));
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

const signal = new AbortController().signal;

interface Setup {
  ctx: AppContext;
  server: MemoryPostgres;
  dir: string;
  /** How often the migrate command ran. */
  migrations(): number;
  /** Lets a migrate command in progress finish (when started with holdMigrate). */
  provider(options?: Partial<TemplateDatabaseOptions>): TemplateDatabaseProvider;
  /** Writes a migration file (the template's inputs). */
  migrate(name: string, sql: string): Promise<void>;
  /** What the migrations on disk produce now: the content every fresh copy must have. */
  expected(): Promise<string>;
  contentOf(lease: TestDatabaseLease): string | undefined;
}

async function migrationsText(dir: string): Promise<string> {
  const names = (await readdir(join(dir, 'migrations'))).sort();
  const texts = await Promise.all(names.map((name) => readFile(join(dir, 'migrations', name), 'utf8')));
  return texts.join('');
}

function databaseOf(lease: TestDatabaseLease): string {
  return decodeURIComponent(new URL(lease.env['DATABASE_URL']!).pathname.slice(1));
}

async function setup(): Promise<Setup> {
  const created = await tempProject(
    {
      'compose.yaml': 'services:\n  db:\n    image: local/postgres\n    ports:\n      - "5432"\n',
      'devenv.yaml': 'database:\n  service: db\n  migrate: "run-migrations"\n',
      'migrations/001.sql': 'CREATE TABLE users;\n',
    },
    'devenv-testdb-pool-',
  );
  projects.push(created);
  const engine = memoryEngine();
  withImage(engine, 'local/postgres');
  const { ctx } = fakeContext(created.dir, engine);
  await up(ctx, { branch: 'pool' });
  const target = await resolveStackTarget(ctx, { branch: 'pool' });
  const server = memoryPostgres();
  let runs = 0;
  ctx.sqlSession = server.open;
  // The project's migrate command: the scratch database gets the migrations on disk as its content.
  ctx.runCommand = async (run) => {
    const url = new URL(run.env['DATABASE_URL']!);
    const scratch = decodeURIComponent(url.pathname.slice(1));
    if (!server.databases.has(scratch)) throw new Error(`no database ${scratch}`);
    server.databases.set(scratch, await migrationsText(created.dir));
    runs++;
    return 'done';
  };
  const database = ctx.project.devenvConfig(created.dir).database!;
  return {
    ctx,
    server,
    dir: created.dir,
    migrations: () => runs,
    provider(options = {}) {
      const made = createTemplateDatabaseProvider(ctx, { target, database, ...options });
      providers.push(made);
      return made;
    },
    migrate: (name, sql) => writeFile(join(created.dir, 'migrations', name), sql),
    expected: () => migrationsText(created.dir),
    contentOf: (lease) => server.databases.get(databaseOf(lease)),
  };
}

/** The statements run since `from`, without the session names. */
const statementsSince = (server: MemoryPostgres, from: number) =>
  server.log.slice(from).map((entry) => entry.statement);

describe('test database pool', () => {
  it('keeps copies ready and hands one out with a rename, refilling in the background', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 2 });
    const first = await provider.lease('first', signal);
    expect(s.contentOf(first)).toBe(await s.expected());
    await provider.settled();
    expect(provider.pooled()).toEqual({ ready: 2, filling: 0 });

    const mark = s.server.log.length;
    const second = await provider.lease('second', signal);
    const during = statementsSince(s.server, mark);
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/^ALTER DATABASE "devenv_run_\w+_pool" RENAME TO "devenv_run_\w+_second"$/);
    expect(s.contentOf(second)).toBe(await s.expected());
    expect(databaseOf(second)).toMatch(/_second$/);

    await provider.settled();
    expect(provider.pooled()).toEqual({ ready: 2, filling: 0 });
    // The refill ran on the background session.
    const refill = s.server.log
      .slice(mark + 1)
      .find((entry) => entry.statement.startsWith('CREATE DATABASE'));
    expect(refill?.session).toBe('devenv-testdb-background');
    expect(s.migrations()).toBe(1);
  });

  it('never hands out a copy of an outdated template, whatever the background is doing', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 3 });
    const given = new Set<string>();
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let step = 0; step < 60; step++) {
      const roll = random();
      if (roll < 0.2) {
        await s.migrate(`${String(step).padStart(3, '0')}.sql`, `ALTER TABLE users ADD c${step};\n`);
        provider.invalidate();
      } else if (roll < 0.3) {
        provider.invalidate(); // a save that changed nothing
      } else if (roll < 0.4) {
        await provider.settled();
      } else {
        const leased = await provider.lease(`r${step}`, signal);
        expect(s.contentOf(leased)).toBe(await s.expected());
        expect(given.has(databaseOf(leased))).toBe(false);
        given.add(databaseOf(leased));
        if (random() < 0.5) await leased.release();
      }
      // Let some background statements run, or not, before the next step.
      for (let i = Math.floor(random() * 4); i > 0; i--) await new Promise((r) => setImmediate(r));
    }
    await provider.settled();
    // What is left ready is a copy of the current template only.
    const expected = await s.expected();
    const pooled = [...s.server.databases].filter(([name]) => name.endsWith('_pool'));
    expect(pooled.length).toBeGreaterThan(0);
    for (const [, content] of pooled) expect(content).toBe(expected);
  });

  it('drops the ready copies of the old template when the files changed', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 2 });
    await provider.lease('first', signal);
    await provider.settled();
    const old = [...s.server.databases.keys()].filter((name) => name.endsWith('_pool'));
    expect(old).toHaveLength(2);
    await s.migrate('002.sql', 'ALTER TABLE users ADD email;\n');
    provider.invalidate();
    const after = await provider.lease('after', signal);
    expect(s.contentOf(after)).toBe(await s.expected());
    await provider.settled();
    const now = [...s.server.databases.keys()].filter((name) => name.endsWith('_pool'));
    expect(now).toHaveLength(2);
    expect(now.filter((name) => old.includes(name))).toEqual([]);
    expect([...s.server.databases.keys()].filter((name) => name.startsWith('devenv_tpl_'))).toHaveLength(1);
  });

  it('builds the next template from the spare database, without a CREATE on the way', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 1 });
    await provider.lease('first', signal);
    await provider.settled();
    const spare = [...s.server.databases.keys()].find((name) => name.endsWith('_spare'));
    expect(spare).toBeDefined();
    await s.migrate('002.sql', 'ALTER TABLE users ADD email;\n');
    provider.invalidate();
    const mark = s.server.log.length;
    const after = await provider.lease('after', signal);
    const during = statementsSince(s.server, mark);
    const scratch = during.find((statement) => statement.startsWith(`ALTER DATABASE "${spare}" RENAME TO`));
    expect(scratch).toMatch(/RENAME TO "devenv_tplb_\w+"$/);
    // The creates: a clone of the new key's template that finds it missing, and the run's copy; no scratch database.
    const creates = during.filter((statement) => statement.startsWith('CREATE DATABASE'));
    expect(creates).toHaveLength(2);
    expect(creates.every((statement) => /TEMPLATE "devenv_tpl_\w+"$/.test(statement))).toBe(true);
    expect(s.contentOf(after)).toBe(await s.expected());
  });

  it('gives concurrent leases different copies, ready ones and new clones alike', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 2 });
    await provider.lease('first', signal);
    await provider.settled();
    const got = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((runId) => provider.lease(runId, signal)));
    expect(new Set(got.map(databaseOf)).size).toBe(5);
    const expected = await s.expected();
    for (const leased of got) expect(s.contentOf(leased)).toBe(expected);
  });

  it('lets a lease wait for a clone in progress instead of cloning a second time', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 1 });
    await provider.lease('first', signal);
    await provider.settled();
    await provider.lease('takes-the-ready-one', signal);
    const clone = s.server.hold(/^CREATE DATABASE "devenv_run_\w+_pool"/);
    await clone.reached; // the refill is on the server
    const mark = s.server.log.length;
    const waiting = provider.lease('waits', signal);
    await new Promise((r) => setTimeout(r, 20));
    clone.release();
    const leased = await waiting;
    expect(s.contentOf(leased)).toBe(await s.expected());
    const during = statementsSince(s.server, mark);
    const handedOut = during.findIndex((statement) => /RENAME TO "devenv_run_\w+_waits"$/.test(statement));
    // The refill that was on the server, renamed for the lease: no clone of its own before it.
    const refill = /^CREATE DATABASE "(devenv_run_\w+_pool)"/.exec(during[0]!)?.[1];
    expect(refill).toBeDefined();
    expect(during.slice(1, handedOut).filter((statement) => statement.startsWith('CREATE'))).toEqual([]);
    expect(during[handedOut]).toMatch(new RegExp(`^ALTER DATABASE "${refill}" RENAME TO`));
  });

  it('starts no background work while a lease is in progress', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 2 });
    await provider.lease('first', signal);
    await provider.settled();
    await s.migrate('002.sql', 'ALTER TABLE users ADD email;\n');
    provider.invalidate();
    const promote = s.server.hold(/^ALTER DATABASE "devenv_tplb_/);
    const mark = s.server.log.length;
    const pending = provider.lease('during-build', signal);
    await promote.reached;
    await new Promise((r) => setTimeout(r, 20));
    expect(s.server.log.slice(mark).filter((entry) => entry.session === 'devenv-testdb-background')).toEqual(
      [],
    );
    promote.release();
    await pending;
    await provider.settled();
    expect(
      s.server.log.slice(mark).filter((entry) => entry.session === 'devenv-testdb-background').length,
    ).toBeGreaterThan(0);
  });

  it('waits for its drop on release', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 2 });
    const leased = await provider.lease('first', signal);
    await leased.release();
    expect(s.server.databases.has(databaseOf(leased))).toBe(false);
    await leased.release();
  });

  it('drops every ready copy, the spare and copies not released when it closes', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 2 });
    await provider.lease('kept', signal);
    await provider.settled();
    expect([...s.server.databases.keys()].filter((name) => name.startsWith('devenv_run_'))).toHaveLength(4);
    await provider.close();
    expect([...s.server.databases.keys()].filter((name) => name.startsWith('devenv_run_'))).toEqual([]);
    await expect(provider.lease('after-close', signal)).rejects.toThrow(/closed/);
  });

  it('closed during a lease: the lease fails and its copy is dropped with the rest', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 2 });
    await provider.lease('first', signal);
    await provider.settled();
    await s.migrate('002.sql', 'ALTER TABLE users ADD email;\n');
    provider.invalidate();
    const clone = s.server.hold(/^CREATE DATABASE "devenv_run_\w+_during" TEMPLATE/);
    const pending = provider.lease('during', signal).catch((e: unknown) => e);
    await clone.reached;
    const closing = provider.close();
    clone.release();
    expect(await pending).toMatchObject({ code: 'INTERRUPTED', message: 'The test databases were closed.' });
    await closing;
    expect([...s.server.databases.keys()].filter((name) => name.startsWith('devenv_run_'))).toEqual([]);
  });

  it('with poolSize 0 makes nothing ahead', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 0 });
    await provider.lease('one', signal);
    await provider.settled();
    expect([...s.server.databases.keys()].filter((name) => name.startsWith('devenv_run_'))).toHaveLength(1);
  });

  it('reports a server error as a DATABASE_ERROR with the server’s words and a next step', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 0 });
    s.server.failWith(
      /^CREATE DATABASE "devenv_run_/,
      new SqlError('could not extend file "base/16384/1259": No space left on device', {
        output:
          'ERROR:  could not extend file "base/16384/1259": No space left on device\nHINT:  Check free disk space.',
        sqlState: '53100',
      }),
    );
    const error = await provider.lease('full', signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect(error).toMatchObject({ code: 'DATABASE_ERROR' });
    expect((error as DevenvError).message).toMatch(
      /^Could not copy devenv_tpl_\w+ into devenv_run_\w+: could not extend/,
    );
    expect((error as DevenvError).details.join('\n')).toContain('HINT:  Check free disk space.');
    expect((error as DevenvError).hint).toContain('devenv logs');
  });

  it('connects again when the server restarted, and the lease still succeeds', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 1 });
    await provider.lease('first', signal);
    await provider.settled();
    const opened = s.server.opened;
    s.server.restart();
    const after = await provider.lease('after-restart', signal);
    expect(s.contentOf(after)).toBe(await s.expected());
    expect(s.server.opened).toBe(opened + 2);
  });

  it('a lost connection on the lease path that does not come back is a DATABASE_ERROR', async () => {
    const s = await setup();
    const provider = s.provider({ poolSize: 0 });
    await provider.lease('first', signal);
    s.server.failWith(
      /^CREATE DATABASE "devenv_run_/,
      new SqlError('Connection terminated unexpectedly', { output: '', connectionLost: true }),
    );
    const error = await provider.lease('lost', signal).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATABASE_ERROR' });
    expect((error as DevenvError).message).toContain('Connection terminated unexpectedly');
  });
});
