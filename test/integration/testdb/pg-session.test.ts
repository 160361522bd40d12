/**
 * The wire-protocol SqlSession (adapters/postgres/pg-session.ts) against the
 * Postgres stand-in of a real stack: rows as text, CREATE/DROP DATABASE
 * outside a transaction, the server's errors as SqlErrors with SQLSTATE and
 * its words, a refused login and a terminated session as lost connections.
 */
import { execa } from 'execa';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgSession } from '../../../src/adapters/postgres/pg-session.js';
import type { SqlEndpoint, SqlSession } from '../../../src/contracts/sql-session.js';
import { SqlError } from '../../../src/core/testdb/sql-error.js';
import { reapBranchPrefix, runPrefix } from '../../support/engine-state.js';
import { tempProject, type TempProject } from '../../support/projects.js';
import { buildCli, upProject } from './template-stack.js';

const prefix = runPrefix();
let project: TempProject;
let endpoint: SqlEndpoint;
const sessions: SqlSession[] = [];

const compose = `
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment:
      POSTGRES_USER: user
      POSTGRES_PASSWORD: pass
    ports:
      - "5432:5432"
`;

async function open(overrides: Partial<SqlEndpoint> = {}): Promise<SqlSession> {
  const session = await openPgSession(
    { ...endpoint, ...overrides },
    { applicationName: 'devenv-pg-session-test' },
  );
  sessions.push(session);
  return session;
}

beforeAll(async () => {
  await buildCli();
  project = await tempProject({ 'compose.yaml': compose }, 'devenv-pg-session-');
  const stack = await upProject(project.dir, `${prefix}-pgsession`);
  const backend = await stack.ctx.backend();
  const { containers } = await backend.observe(stack.target.identity.name);
  const port = containers[0]!.ports.find((p) => p.containerPort === 5432)!;
  const reached = backend.reachable(port);
  endpoint = { host: reached.host, port: reached.port, user: 'user', password: 'pass', database: 'postgres' };
});

afterAll(async () => {
  await Promise.all(sessions.map((session) => session.close()));
  await reapBranchPrefix(prefix);
  await project?.remove();
});

describe('pg session', () => {
  it('returns rows as text, NULL as empty, in statement order', async () => {
    const session = await open();
    expect(session.open).toBe(true);
    expect(
      await session.run(["SELECT 1, NULL::text, 'a b'", 'SELECT x FROM generate_series(1, 2) AS x']),
    ).toEqual([['1', '', 'a b'], ['1'], ['2']]);
  });

  it('runs concurrent calls one after the other, each call’s statements together', async () => {
    const session = await open();
    const calls = await Promise.all(
      [1, 2, 3].map((n) => session.run([`SELECT ${n}`, `SELECT pg_sleep(0.01), ${n * 10}`])),
    );
    expect(calls).toEqual([1, 2, 3].map((n) => [[`${n}`], ['', `${n * 10}`]]));
    await session.close();
    expect(session.open).toBe(false);
  });

  it('creates, renames and drops databases (each statement outside a transaction)', async () => {
    const session = await open();
    await session.run([
      'CREATE DATABASE "pg_session_a" TEMPLATE template0',
      'ALTER DATABASE "pg_session_a" RENAME TO "pg_session_b"',
    ]);
    expect(
      await session.run(["SELECT datname FROM pg_database WHERE datname LIKE 'pg\\_session\\_%'"]),
    ).toEqual([['pg_session_b']]);
    await session.run([
      'DROP DATABASE IF EXISTS "pg_session_b" WITH (FORCE)',
      'DROP DATABASE IF EXISTS "pg_session_b"',
    ]);
    expect(
      await session.run(["SELECT count(*) FROM pg_database WHERE datname LIKE 'pg\\_session\\_%'"]),
    ).toEqual([['0']]);
  });

  it('rejects with the server’s message and SQLSTATE, stops at the failing statement, and stays open', async () => {
    const session = await open();
    const error = await session
      .run([
        'CREATE DATABASE "pg_session_c" TEMPLATE "no_such_template"',
        'CREATE DATABASE "pg_session_never"',
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect(error).toMatchObject({
      message: 'template database "no_such_template" does not exist',
      sqlState: '3D000',
      connectionLost: false,
    });
    expect((error as SqlError).output).toBe('ERROR:  template database "no_such_template" does not exist');
    expect(session.open).toBe(true);
    expect(
      await session.run(["SELECT count(*) FROM pg_database WHERE datname = 'pg_session_never'"]),
    ).toEqual([['0']]);
  });

  it('a refused login is a lost connection with the server’s words', async () => {
    const error = await open({ password: 'wrong' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect(error).toMatchObject({ sqlState: '28P01', connectionLost: true });
    expect((error as SqlError).message).toMatch(/password authentication failed for user "user"/);
  });

  it('nothing listening is a lost connection', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await open({ host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect(error).toMatchObject({ connectionLost: true });
    expect((error as SqlError).message).toMatch(/ECONNREFUSED/);
  });

  it('a session the server ended is closed, and says so', async () => {
    const victim = await open();
    const [[pid]] = (await victim.run(['SELECT pg_backend_pid()'])) as [[string]];
    const other = await open();
    await other.run([`SELECT pg_terminate_backend(${pid})`]);
    const error = await victim.run(['SELECT 1']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlError);
    expect(error).toMatchObject({ connectionLost: true });
    expect(victim.open).toBe(false);
    await expect(victim.run(['SELECT 1'])).rejects.toMatchObject({ connectionLost: true });
  });

  it('does not keep the process alive while idle, and does while a statement runs', async () => {
    const module = new URL('../../../dist/adapters/postgres/pg-session.js', import.meta.url).href;
    const script = `
      const { openPgSession } = await import(${JSON.stringify(module)});
      const session = await openPgSession(${JSON.stringify(endpoint)});
      const [[slept]] = await session.run(["SELECT 'slept' FROM pg_sleep(0.5)"]);
      console.log(slept); // then nothing closes the session
    `;
    const started = performance.now();
    const child = await execa(process.execPath, ['--input-type=module', '-e', script], {
      reject: false,
      timeout: 20_000,
    });
    expect(child.stdout).toBe('slept');
    expect(child.exitCode).toBe(0);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('keeps the process alive until close() is done', async () => {
    const module = new URL('../../../dist/adapters/postgres/pg-session.js', import.meta.url).href;
    // A top-level await on an unref'd socket alone would end the process with 13 before "closed".
    const script = `
      const { openPgSession } = await import(${JSON.stringify(module)});
      const session = await openPgSession(${JSON.stringify(endpoint)});
      await session.run(['SELECT 1']);
      await session.close();
      console.log('closed', session.open);
    `;
    const child = await execa(process.execPath, ['--input-type=module', '-e', script], {
      reject: false,
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('closed false');
    expect(child.exitCode).toBe(0);
  });
});
