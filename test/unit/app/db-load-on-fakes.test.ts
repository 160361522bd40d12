/**
 * `devenv db load` and `db reset` on the in-memory engine: a scripted Postgres
 * that knows the statements of the swap (core/data/database-swap.ts) and of
 * the scratch database, and programs for pg_restore and psql in the memory
 * engine's streaming exec that "load" what they read into the scratch
 * database's content. What the real server and programs do is in the e2e
 * test; this covers the order of things: the stamp checked before anything
 * is sent, the stack's database replaced only by a complete load, and what
 * is left when a load, the swap or the user stops it halfway.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDatabase } from '../../../src/app/database/db-load.js';
import { resetDatabase } from '../../../src/app/database/db-reset.js';
import { up } from '../../../src/app/up.js';
import type { ProjectCommand } from '../../../src/contracts/command-runner.js';
import type { SqlSession } from '../../../src/contracts/sql-session.js';
import { SqlError } from '../../../src/core/testdb/sql-error.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage, type MemoryEngine } from '../../support/fakes/memory-engine.js';
import type { ExecProgram } from '../../support/fakes/memory-exec.js';
import { tempProject, type TempProject } from '../../support/projects.js';

interface Database {
  content: string;
  allowConnections: boolean;
  /** Application names of the sessions on it. */
  sessions: string[];
}

function scriptedPostgres(initial: Record<string, string>) {
  const databases = new Map<string, Database>(
    Object.entries(initial).map(([name, content]) => [
      name,
      { content, allowConnections: true, sessions: [] },
    ]),
  );
  const log: string[] = [];
  let failing: RegExp | undefined;
  const get = (name: string) => {
    const database = databases.get(name);
    if (!database) throw new SqlError(`database "${name}" does not exist`, { output: '', sqlState: '3D000' });
    return database;
  };
  const rename = (from: string, to: string) => {
    const database = get(from);
    if (databases.has(to)) throw new SqlError(`database "${to}" already exists`, { output: '' });
    databases.delete(from);
    databases.set(to, database);
  };
  function execute(statement: string): string[][] {
    log.push(statement);
    if (failing?.test(statement)) {
      failing = undefined;
      throw new SqlError('injected failure', { output: 'ERROR:  injected failure' });
    }
    let m: RegExpExecArray | null;
    if ((m = /^CREATE DATABASE "(.+)" TEMPLATE template0$/.exec(statement))) {
      databases.set(m[1]!, { content: '', allowConnections: true, sessions: [] });
      return [];
    }
    if ((m = /^ALTER DATABASE "(.+)" WITH ALLOW_CONNECTIONS (true|false)$/.exec(statement))) {
      get(m[1]!).allowConnections = m[2] === 'true';
      return [];
    }
    if (
      (m =
        /^SELECT pid, pg_terminate_backend\(pid\), .* WHERE datname = '(.+)' AND pid <> pg_backend_pid\(\)$/.exec(
          statement,
        ))
    ) {
      const database = get(m[1]!);
      const ended = database.sessions.map((application, i) => [String(100 + i), 't', application]);
      database.sessions = [];
      return ended;
    }
    if (statement.startsWith('DO $devenv_swap$')) {
      const renames = [...statement.matchAll(/EXECUTE 'ALTER DATABASE "([^"]+)" RENAME TO "([^"]+)"'/g)];
      // One transaction: both or neither.
      const before = new Map(databases);
      try {
        for (const [, from, to] of renames) rename(from!, to!);
      } catch (error) {
        databases.clear();
        for (const [name, database] of before) databases.set(name, database);
        throw error;
      }
      return [];
    }
    if ((m = /^ALTER DATABASE "(.+)" RENAME TO "(.+)"$/.exec(statement))) {
      rename(m[1]!, m[2]!);
      return [];
    }
    if ((m = /^DROP DATABASE IF EXISTS "(.+)" WITH \(FORCE\)$/.exec(statement))) {
      databases.delete(m[1]!);
      return [];
    }
    throw new Error(`the scripted Postgres does not know: ${statement}`);
  }
  const session: SqlSession = {
    open: true,
    close: async () => undefined,
    run: async (statements) => {
      const rows: string[][] = [];
      for (const statement of statements) rows.push(...execute(statement));
      return rows;
    },
  };
  return {
    databases,
    log,
    failOnce(match: RegExp) {
      failing = match;
    },
    names: () => [...databases.keys()].sort(),
    open: async () => session,
  };
}

type Server = ReturnType<typeof scriptedPostgres>;

/**
 * pg_restore and psql as programs of the memory engine. A "custom dump" here is PGDMP and text;
 * a line `STAMP {json}` is its stamp table. A load copies what it reads into the database named
 * by --dbname; a dump with BROKEN fails the load, one with SLOW waits until it is stopped.
 */
function postgresPrograms(engine: MemoryEngine, server: Server, ran: string[]): void {
  const read = async (stdin: AsyncIterable<Buffer>) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk);
    return Buffer.concat(chunks).toString('utf8');
  };
  const load: ExecProgram = async (io) => {
    ran.push(io.command.join(' '));
    const text = await read(io.stdin);
    if (text.includes('SLOW')) await new Promise((resolve) => io.signal.addEventListener('abort', resolve));
    if (text.includes('BROKEN')) {
      io.writeError('psql:<stdin>:3: ERROR:  syntax error at or near "BROKEN"\n');
      return 3;
    }
    const name = io.command[io.command.indexOf('--dbname') + 1]!;
    server.databases.get(name)!.content = text.replace(/^PGDMP/, '');
    return 0;
  };
  engine.program('psql', load);
  engine.program('pg_restore', async (io) => {
    if (io.command.includes('--list')) {
      ran.push('pg_restore --list');
      const text = await read(io.stdin);
      await io.write(';\n; Selected TOC Entries:\n;\n216; 1259 16391 TABLE public users shop\n');
      if (text.includes('STAMP '))
        await io.write('3345; 0 16386 TABLE DATA devenv_anonymization stamp shop\n');
      return 0;
    }
    if (io.command.includes('--data-only')) {
      ran.push('pg_restore --data-only');
      const stamp = /STAMP (.*)/.exec(await read(io.stdin))?.[1] ?? '';
      await io.write(`COPY devenv_anonymization.stamp (stamp) FROM stdin;\n${stamp}\n\\.\n`);
      return 0;
    }
    return load(io);
  });
}

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

const compose = `
services:
  db:
    image: local/postgres
    environment:
      DATABASE_URL: postgresql://shop:pw@db:5432/shop_dev
    ports:
      - "5432"
`;

const STAMP = `{"tool":"devenv","version":1,"rulesSha256":"${'e'.repeat(64)}","anonymizedAt":"2026-01-02T03:04:05Z","checks":[]}`;

async function stack(files: Record<string, string> = {}) {
  const project = await tempProject({ 'compose.yaml': compose, ...files }, 'devenv-dbload-');
  projects.push(project);
  const engine = memoryEngine();
  withImage(engine, 'local/postgres');
  const fake = fakeContext(project.dir, engine);
  await up(fake.ctx, { branch: 'main' });
  const server = scriptedPostgres({ postgres: '', shop_dev: 'live data' });
  server.databases.get('shop_dev')!.sessions = ['web', 'web', 'psql'];
  fake.ctx.sqlSession = server.open;
  const ran: string[] = [];
  postgresPrograms(engine, server, ran);
  const dump = async (name: string, text: string) => writeFile(join(project.dir, name), text);
  return { ...fake, server, ran, dump, dir: project.dir };
}

const scratch = (names: string[]) =>
  names.filter((name) => name.startsWith('devenv_run_') || name.includes('_devenv_old_'));

describe('db load on fakes', () => {
  it('refuses a dump without the stamp before sending anything, saying how to anonymize it', async () => {
    const { ctx, server, ran, dump } = await stack();
    await dump(
      'prod.sql',
      '--\n-- PostgreSQL database dump\n--\nCOPY public.users (id) FROM stdin;\n1\n\\.\n',
    );
    const error = await loadDatabase(ctx, {
      stack: { branch: 'main' },
      file: 'prod.sql',
      notProductionData: false,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'DUMP_NOT_ANONYMIZED',
      message: expect.stringContaining('prod.sql has no devenv anonymization stamp'),
      hint: expect.stringContaining(
        'devenv db anonymize --from prod.sql --rules anonymize.yaml --out prod.anonymized.sql',
      ),
    });
    expect(server.log).toEqual([]);
    expect(ran).toEqual([]);
    expect(server.databases.get('shop_dev')).toMatchObject({ content: 'live data', allowConnections: true });
  });

  it('with the flag, loads into a new database that then takes the place of the stack’s, ending its sessions', async () => {
    const { ctx, server, ran, dump, events } = await stack();
    await dump('dev.sql', '--\n-- a plain dump\n');
    await loadDatabase(ctx, { stack: { branch: 'main' }, file: 'dev.sql', notProductionData: true });
    expect(ran).toEqual([expect.stringMatching(/^psql .* --dbname devenv_run_\w+_load$/)]);
    expect(server.databases.get('shop_dev')).toMatchObject({
      content: '--\n-- a plain dump\n',
      allowConnections: true,
    });
    expect(scratch(server.names())).toEqual([]);
    expect(events.filter((e) => e.type === 'database.connections.ended')).toEqual([
      expect.objectContaining({ database: 'shop_dev', applications: ['web', 'web', 'psql'] }),
    ]);
    expect(events.find((e) => e.type === 'database.loaded')).toMatchObject({
      database: 'shop_dev',
      file: 'dev.sql',
      format: 'plain',
      unchecked: 'not-production-data',
    });
    // The order: a new database, the load into it, then the swap; the old one dropped last.
    expect(server.log).toEqual([
      expect.stringMatching(/^CREATE DATABASE "devenv_run_\w+_load" TEMPLATE template0$/),
      'ALTER DATABASE "shop_dev" WITH ALLOW_CONNECTIONS false',
      expect.stringMatching(/^SELECT pid, pg_terminate_backend\(pid\)/),
      expect.stringMatching(/^DO \$devenv_swap\$ BEGIN .* END \$devenv_swap\$$/),
      'ALTER DATABASE "shop_dev" WITH ALLOW_CONNECTIONS true',
      expect.stringMatching(/^DROP DATABASE IF EXISTS "shop_dev_devenv_old_\w+" WITH \(FORCE\)$/),
    ]);
  });

  it('reads a custom dump’s stamp with pg_restore before loading it', async () => {
    const { ctx, server, ran, dump, events } = await stack();
    await dump('anon.dump', `PGDMP\nSTAMP ${STAMP}\nrows\n`);
    await loadDatabase(ctx, { stack: { branch: 'main' }, file: 'anon.dump', notProductionData: false });
    expect(ran).toEqual([
      'pg_restore --list',
      'pg_restore --data-only',
      expect.stringMatching(/^pg_restore --username postgres --dbname devenv_run_\w+_load --no-owner/),
    ]);
    expect(server.databases.get('shop_dev')!.content).toContain('rows');
    expect(events.find((e) => e.type === 'database.loaded')).toMatchObject({
      format: 'custom',
      stamp: { rulesSha256: 'e'.repeat(64), anonymizedAt: '2026-01-02T03:04:05Z' },
    });
  });

  it('a load that fails leaves the stack’s database as it was, and drops the new one', async () => {
    const { ctx, server, dump } = await stack();
    await dump('bad.sql', 'create table x ();\nBROKEN\n');
    const error = await loadDatabase(ctx, {
      stack: { branch: 'main' },
      file: 'bad.sql',
      notProductionData: true,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'DATABASE_ERROR',
      message: 'psql of bad.sql failed (exit 3): syntax error at or near "BROKEN"',
      hint: expect.stringContaining(
        'Nothing was changed: the stack’s database shop_dev is as it was'.replace('’', "'"),
      ),
    });
    expect(server.databases.get('shop_dev')).toMatchObject({ content: 'live data', allowConnections: true });
    expect(scratch(server.names())).toEqual([]);
  });

  it('a swap that fails opens the stack’s database again, unchanged, and drops the new one', async () => {
    const { ctx, server, dump } = await stack();
    await dump('dev.sql', 'new data');
    server.failOnce(/^DO \$devenv_swap\$/);
    await expect(
      loadDatabase(ctx, { stack: { branch: 'main' }, file: 'dev.sql', notProductionData: true }),
    ).rejects.toMatchObject({ code: 'DATABASE_ERROR', message: expect.stringContaining('injected failure') });
    expect(server.databases.get('shop_dev')).toMatchObject({ content: 'live data', allowConnections: true });
    expect(scratch(server.names())).toEqual([]);
  });

  it('Ctrl-C during the load stops it: nothing changed, the new database dropped', async () => {
    const { ctx, server, ran, dump, interrupt } = await stack();
    await dump('slow.sql', 'SLOW');
    const loading = loadDatabase(ctx, {
      stack: { branch: 'main' },
      file: 'slow.sql',
      notProductionData: true,
    });
    for (let i = 0; i < 100 && ran.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    interrupt();
    await expect(loading).rejects.toMatchObject({
      code: 'INTERRUPTED',
      message: expect.stringContaining('Nothing was loaded: database shop_dev is as it was.'),
    });
    expect(server.databases.get('shop_dev')).toMatchObject({ content: 'live data', allowConnections: true });
    expect(scratch(server.names())).toEqual([]);
  });
});

describe('db reset on fakes', () => {
  it('without migrate: the seed runs against a new empty database, which then replaces the stack’s', async () => {
    const { ctx, server, events } = await stack({
      'devenv.yaml': 'database:\n  service: db\n  seed: npm run seed\n',
    });
    const seeded: ProjectCommand[] = [];
    ctx.runCommand = async (run) => {
      seeded.push(run);
      server.databases.get(new URL(run.env['DATABASE_URL']!).pathname.slice(1))!.content = 'seed rows';
      return 'done';
    };
    await resetDatabase(ctx, { branch: 'main' });
    expect(seeded).toHaveLength(1);
    expect(seeded[0]!.command).toBe('npm run seed');
    expect(new URL(seeded[0]!.env['DATABASE_URL']!).pathname).toMatch(/^\/devenv_run_\w+_reset$/);
    expect(server.databases.get('shop_dev')).toMatchObject({ content: 'seed rows', allowConnections: true });
    expect(scratch(server.names())).toEqual([]);
    expect(events.find((e) => e.type === 'database.reset')).toMatchObject({ source: 'empty', seeded: true });
  });
});
