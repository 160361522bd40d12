import { describe, expect, it } from 'vitest';
import { postgresUrl, withDatabase } from '../../../src/core/testdb/database-url.js';
import {
  createCopy,
  dropDatabase,
  promoteBuild,
  quoteIdent,
  quoteLiteral,
} from '../../../src/core/testdb/sql.js';

describe('database URLs', () => {
  it('points the stack’s URL at another database, keeping credentials, host and query', () => {
    expect(
      withDatabase('postgresql://user:p%40ss@127.0.0.1:49153/myapp_dev?sslmode=disable', 'devenv_run_x'),
    ).toBe('postgresql://user:p%40ss@127.0.0.1:49153/devenv_run_x?sslmode=disable');
    expect(withDatabase('postgres://u@h:1', 'd')).toBe('postgres://u@h:1/d');
    expect(withDatabase('redis://127.0.0.1:6379', 'd')).toBeUndefined();
    expect(withDatabase('not a url', 'd')).toBeUndefined();
  });

  it('builds a URL from the container’s credentials and published port', () => {
    expect(
      postgresUrl({ user: 'user', password: 'p@ss:/', host: '127.0.0.1', port: 5433, database: 'db' }),
    ).toBe('postgresql://user:p%40ss%3A%2F@127.0.0.1:5433/db');
    expect(postgresUrl({ user: 'postgres', password: '', host: 'h', port: 1, database: 'd' })).toBe(
      'postgresql://postgres@h:1/d',
    );
  });
});

describe('template SQL', () => {
  it('quotes identifiers and literals', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  it('ends connections to the template before cloning it, one statement each', () => {
    expect(createCopy('devenv_run_1', 'devenv_tpl_1')).toEqual([
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'devenv_tpl_1' AND pid <> pg_backend_pid()",
      'CREATE DATABASE "devenv_run_1" TEMPLATE "devenv_tpl_1"',
    ]);
  });

  it('promotes a build by renaming it and closing it to connections', () => {
    expect(promoteBuild('b', 't', "key 'k'")).toEqual([
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = 'b' AND pid <> pg_backend_pid()",
      'ALTER DATABASE "b" RENAME TO "t"',
      `COMMENT ON DATABASE "t" IS 'key ''k'''`,
      'ALTER DATABASE "t" WITH ALLOW_CONNECTIONS false',
    ]);
    expect(dropDatabase('x')).toEqual(['DROP DATABASE IF EXISTS "x" WITH (FORCE)']);
  });
});
