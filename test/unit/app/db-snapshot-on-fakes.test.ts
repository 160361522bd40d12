/**
 * `devenv db snapshot`'s use-cases on the in-memory engine, with a scripted
 * Postgres that knows the snapshot statements (core/snapshot/snapshot-sql.ts)
 * and nothing else: databases with a content string, connections allowed or
 * not, a comment and an owner. What the real server does is in the e2e test;
 * this covers the order of things and what happens when a statement fails.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  listSnapshots,
  refillSnapshots,
  removeSnapshot,
  restoreSnapshot,
  saveSnapshot,
} from '../../../src/app/snapshot/db-snapshot.js';
import { up } from '../../../src/app/up.js';
import type { SqlSession } from '../../../src/contracts/sql-session.js';
import { DevenvError } from '../../../src/core/errors.js';
import { SqlError } from '../../../src/core/testdb/sql-error.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

interface Database {
  content: string;
  allowConnections: boolean;
  comment: string;
  owner: string;
}

function scriptedPostgres(initial: Record<string, string>) {
  const databases = new Map<string, Database>(
    Object.entries(initial).map(([name, content]) => [
      name,
      { content, allowConnections: true, comment: '', owner: 'shop' },
    ]),
  );
  const log: string[] = [];
  let failing: RegExp | undefined;
  /** The databases as BEGIN found them: restored by ROLLBACK, or when the client dies in the transaction. */
  let transaction: Map<string, Database> | undefined;
  let aborted = false;
  /** Statements left before the client dies (kill -9): then nothing more runs. */
  let lifeLeft = Infinity;
  const copy = (from: Map<string, Database>) => new Map([...from].map(([name, d]) => [name, { ...d }]));
  const rollback = () => {
    if (transaction) {
      databases.clear();
      for (const [name, d] of transaction) databases.set(name, d);
    }
    transaction = undefined;
    aborted = false;
  };
  const missing = (name: string) =>
    new SqlError(`database "${name}" does not exist`, { output: '', sqlState: '3D000' });
  const get = (name: string) => {
    const database = databases.get(name);
    if (!database) throw missing(name);
    return database;
  };
  function execute(statement: string): string[][] {
    if (lifeLeft <= 0) {
      // The client is gone: the server ends its session, and an open transaction with it.
      rollback();
      throw new Error('killed');
    }
    lifeLeft -= 1;
    log.push(statement);
    if (statement === 'BEGIN') {
      transaction = copy(databases);
      return [];
    }
    if (statement === 'COMMIT' || statement === 'ROLLBACK') {
      if (statement === 'ROLLBACK' || aborted) rollback();
      transaction = undefined;
      return [];
    }
    if (aborted) throw new SqlError('current transaction is aborted', { output: '' });
    if (failing?.test(statement)) {
      failing = undefined; // once
      if (transaction) aborted = true;
      throw new SqlError('injected failure', { output: 'ERROR:  injected failure' });
    }
    let m: RegExpExecArray | null;
    if (statement.startsWith('SELECT datname, pg_database_size'))
      return [...databases.entries()]
        .filter(([name]) => name.startsWith('devenv_snap'))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, d]) => [name, String(d.content.length * 1_000_000), d.comment]);
    if ((m = /^SELECT pg_get_userbyid\(datdba\) FROM pg_database WHERE datname = '(.+)'$/.exec(statement))) {
      const database = databases.get(m[1]!);
      return database ? [[database.owner]] : [];
    }
    if (statement.startsWith('SELECT count(pg_terminate_backend')) return [['0']];
    if ((m = /^ALTER DATABASE "(.+)" WITH ALLOW_CONNECTIONS (true|false)$/.exec(statement))) {
      get(m[1]!).allowConnections = m[2] === 'true';
      return [];
    }
    if ((m = /^ALTER DATABASE "(.+)" RENAME TO "(.+)"$/.exec(statement))) {
      const database = get(m[1]!);
      if (databases.has(m[2]!)) throw new SqlError(`database "${m[2]}" already exists`, { output: '' });
      databases.delete(m[1]!);
      databases.set(m[2]!, database);
      return [];
    }
    if ((m = /^CREATE DATABASE "(.+)" TEMPLATE "(.+?)"(?: OWNER "(.+)")?$/.exec(statement))) {
      const template = get(m[2]!);
      if (databases.has(m[1]!)) throw new SqlError(`database "${m[1]}" already exists`, { output: '' });
      databases.set(m[1]!, {
        content: template.content,
        allowConnections: true,
        comment: '',
        owner: m[3] ?? 'user',
      });
      return [];
    }
    if ((m = /^COMMENT ON DATABASE "(.+)" IS '(.*)'$/.exec(statement))) {
      get(m[1]!).comment = m[2]!.replace(/''/g, "'");
      return [];
    }
    if ((m = /^DROP DATABASE IF EXISTS "(.+)" WITH \(FORCE\)$/.exec(statement))) {
      databases.delete(m[1]!);
      return [];
    }
    throw new Error(`the scripted Postgres does not know: ${statement}`);
  }
  /** The database each statement's session was in. */
  const sessionOf: string[] = [];
  const session = (database: string): SqlSession => ({
    open: true,
    close: async () => undefined,
    run: async (statements) => {
      const rows: string[][] = [];
      for (const statement of statements) {
        sessionOf.push(database);
        rows.push(...execute(statement));
      }
      return rows;
    },
  });
  return {
    databases,
    log,
    /** The next statement that matches fails (once). */
    failOnce(match: RegExp) {
      failing = match;
    },
    /** The client dies (kill -9) after this many more statements; undefined: it lives. */
    killAfter(statements: number | undefined) {
      lifeLeft = statements ?? Infinity;
    },
    contents: () =>
      Object.fromEntries(
        [...databases.entries()]
          .map(([name, d]) => [name, d.content])
          .sort(([a], [b]) => a!.localeCompare(b!)),
      ),
    sessionOf,
    open: async (endpoint: { database: string }) => session(endpoint.database),
  };
}

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

const composeFor = (database: string) => `
services:
  db:
    image: local/postgres
    environment:
      DATABASE_URL: postgresql://shop:pw@db:5432/${database}
    ports:
      - "5432"
`;

async function stack(branch = 'main', database = 'shop_dev') {
  const project = await tempProject({ 'compose.yaml': composeFor(database) }, 'devenv-snapshot-');
  projects.push(project);
  const engine = memoryEngine();
  withImage(engine, 'local/postgres');
  const fake = fakeContext(project.dir, engine);
  await up(fake.ctx, { branch });
  const server = scriptedPostgres({ postgres: '', template1: '', [database]: 'v1' });
  fake.ctx.sqlSession = server.open;
  let random = 0;
  const settings = { randomId: () => `r${++random}` };
  return { ...fake, server, settings, options: { branch } };
}

describe('db snapshot on fakes', () => {
  it('save, change, restore: the database is the snapshot again, under its own name, for its owner', async () => {
    const { ctx, server, settings, options, events } = await stack();
    const saved = await saveSnapshot(ctx, options, { name: 'clean' }, settings);
    expect(saved).toMatchObject({ name: 'clean', database: 'shop_dev', owner: 'shop', ready: false });
    expect(server.databases.get('shop_dev')!.allowConnections).toBe(true);
    expect(await refillSnapshots(ctx, options)).toBe(1);

    server.databases.get('shop_dev')!.content = 'v2';
    const restored = await restoreSnapshot(ctx, options, { name: 'clean' }, settings);
    expect(restored).toMatchObject({ snapshot: 'clean', database: 'shop_dev', via: 'ready-copy' });
    const tag = Object.keys(server.contents())
      .find((n) => n.startsWith('devenv_snap_'))!
      .split('_')[2];
    expect(server.contents()).toEqual({
      [`devenv_snap_${tag}_clean`]: 'v1',
      [`devenv_snapx_${tag}_r2`]: 'v2',
      postgres: '',
      shop_dev: 'v1',
      template1: '',
    });
    expect(server.databases.get('shop_dev')).toMatchObject({ allowConnections: true, owner: 'shop' });
    expect(events.map((e) => e.type).filter((t) => t.startsWith('snapshot.'))).toEqual([
      'snapshot.saved',
      'snapshot.restored',
    ]);

    // The refill drops what was set aside and makes the next ready copy.
    expect(await refillSnapshots(ctx, options)).toBe(1);
    expect(Object.keys(server.contents())).toEqual([
      `devenv_snap_${tag}_clean`,
      `devenv_snapr_${tag}_clean`,
      'postgres',
      'shop_dev',
      'template1',
    ]);
  });

  it('without a ready copy, restore clones the snapshot (for the database’s owner)', async () => {
    const { ctx, server, settings, options } = await stack();
    await saveSnapshot(ctx, options, { name: 'clean' }, settings);
    server.databases.get('shop_dev')!.content = 'v2';
    const restored = await restoreSnapshot(ctx, options, { name: 'clean' }, settings);
    expect(restored.via).toBe('clone');
    expect(server.databases.get('shop_dev')).toMatchObject({ content: 'v1', owner: 'shop' });
  });

  it('a restore that fails halfway puts the database back, open, with its data', async () => {
    const { ctx, server, settings, options } = await stack();
    await saveSnapshot(ctx, options, { name: 'clean' }, settings);
    await refillSnapshots(ctx, options);
    server.databases.get('shop_dev')!.content = 'v2';
    server.failOnce(/RENAME TO "shop_dev"$/);
    const error = await restoreSnapshot(ctx, options, { name: 'clean' }, settings).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DATABASE_ERROR' });
    expect((error as DevenvError).message).toBe(
      'Could not restore snapshot clean into shop_dev: injected failure',
    );
    expect(server.databases.get('shop_dev')).toMatchObject({ content: 'v2', allowConnections: true });
    expect([...server.databases.keys()].filter((n) => n.startsWith('devenv_snapx_'))).toEqual([]);
    expect([...server.databases.keys()].filter((n) => n.startsWith('devenv_snapr_'))).toHaveLength(1);
  });

  it('a restore killed after any of its statements leaves the database open, old or restored, never missing', async () => {
    for (const ready of [true, false]) {
      for (let statements = 0; ; statements++) {
        const { ctx, server, settings, options } = await stack();
        await saveSnapshot(ctx, options, { name: 'clean' }, settings);
        if (ready) await refillSnapshots(ctx, options);
        server.databases.get('shop_dev')!.content = 'v2';
        const logged = server.log.length;
        server.killAfter(statements);
        const finished = await restoreSnapshot(ctx, options, { name: 'clean' }, settings).then(
          () => true,
          () => false,
        );
        server.killAfter(undefined);
        const database = server.databases.get('shop_dev');
        expect(database, `killed after ${statements} statements (ready copy: ${ready})`).toMatchObject({
          allowConnections: true,
          content: finished ? 'v1' : expect.stringMatching(/^v[12]$/),
        });
        // And a restore after it works.
        await restoreSnapshot(ctx, options, { name: 'clean' }, settings);
        expect(server.databases.get('shop_dev')).toMatchObject({ content: 'v1', allowConnections: true });
        if (finished && server.log.length - logged <= statements) break;
      }
    }
  });

  it('a restore that fails while closing the database opens it again', async () => {
    const { ctx, server, settings, options } = await stack();
    await saveSnapshot(ctx, options, { name: 'clean' }, settings);
    server.failOnce(/^SELECT count\(pg_terminate_backend/);
    await expect(restoreSnapshot(ctx, options, { name: 'clean' }, settings)).rejects.toMatchObject({
      code: 'DATABASE_ERROR',
    });
    expect(server.databases.get('shop_dev')).toMatchObject({ content: 'v1', allowConnections: true });
  });

  it('a save that fails while copying leaves the database open and no snapshot', async () => {
    const { ctx, server, settings, options } = await stack();
    server.failOnce(/^CREATE DATABASE/);
    await expect(saveSnapshot(ctx, options, { name: 'clean' }, settings)).rejects.toMatchObject({
      code: 'DATABASE_ERROR',
    });
    expect(server.databases.get('shop_dev')!.allowConnections).toBe(true);
    expect((await listSnapshots(ctx, options)).snapshots).toEqual([]);
  });

  it('names taken, unknown names, --force and rm', async () => {
    const { ctx, server, settings, options } = await stack();
    await saveSnapshot(ctx, options, { name: 'a' }, settings);
    await expect(saveSnapshot(ctx, options, { name: 'a' }, settings)).rejects.toMatchObject({
      code: 'SNAPSHOT_EXISTS',
      hint: 'Pass --force to replace it, or choose another name.',
    });
    server.databases.get('shop_dev')!.content = 'v2';
    const replaced = await saveSnapshot(ctx, options, { name: 'a', force: true }, settings);
    expect(replaced.name).toBe('a');
    await saveSnapshot(ctx, options, { name: 'b' }, settings);
    await expect(restoreSnapshot(ctx, options, { name: 'c' }, settings)).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_FOUND',
      hint: 'Its snapshots: a, b.',
    });
    await removeSnapshot(ctx, options, { name: 'a' });
    expect((await listSnapshots(ctx, options)).snapshots.map((s) => s.name)).toEqual(['b']);
    await expect(removeSnapshot(ctx, options, { name: 'a' })).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_FOUND',
    });
    await expect(saveSnapshot(ctx, options, { name: 'x', database: 'nope' }, settings)).rejects.toMatchObject(
      {
        code: 'DATABASE_ERROR',
        hint: 'Name the database with --database NAME.',
      },
    );
  });

  it('changes the maintenance database postgres from a session in template1', async () => {
    const { ctx, server, settings, options } = await stack('main', 'postgres');
    await saveSnapshot(ctx, options, { name: 'clean' }, settings);
    await refillSnapshots(ctx, options);
    server.databases.get('postgres')!.content = 'v2';
    await restoreSnapshot(ctx, options, { name: 'clean' }, settings);
    expect(server.databases.get('postgres')!.content).toBe('v1');
    const inSession = server.log.map((statement, i) => `${server.sessionOf[i]}: ${statement}`);
    expect(inSession.filter((line) => line.includes('"postgres"') && !line.includes('COMMENT'))).toEqual([
      'template1: ALTER DATABASE "postgres" WITH ALLOW_CONNECTIONS false',
      expect.stringMatching(/^template1: CREATE DATABASE "devenv_snapb_\w+" TEMPLATE "postgres"$/),
      'template1: ALTER DATABASE "postgres" WITH ALLOW_CONNECTIONS true',
      'template1: ALTER DATABASE "postgres" WITH ALLOW_CONNECTIONS false',
      expect.stringMatching(/^template1: ALTER DATABASE "postgres" RENAME TO "devenv_snapx_\w+"$/),
      expect.stringMatching(/^template1: ALTER DATABASE "devenv_snapr_\w+" RENAME TO "postgres"$/),
    ]);
  });

  it('another branch’s stack does not list them, even in the same server', async () => {
    const first = await stack('main');
    await saveSnapshot(first.ctx, first.options, { name: 'mine' }, first.settings);
    const second = await stack('feature');
    second.ctx.sqlSession = first.server.open;
    expect((await listSnapshots(second.ctx, second.options)).snapshots).toEqual([]);
    await expect(restoreSnapshot(second.ctx, second.options, { name: 'mine' })).rejects.toMatchObject({
      code: 'SNAPSHOT_NOT_FOUND',
    });
  });
});
