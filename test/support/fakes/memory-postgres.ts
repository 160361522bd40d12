/**
 * An in-memory Postgres server for the test databases' admin statements
 * (core/testdb/sql.ts and nothing else), behind the SqlSession port: each
 * database has a content string, CREATE DATABASE ... TEMPLATE copies it,
 * RENAME and DROP act on the name, errors carry Postgres's SQLSTATE and
 * message. Every statement yields to the event loop first, so background
 * work and leases interleave as they would over a real connection; hold()
 * parks matching statements until the test lets them go.
 */
import type { OpenSqlSession, SqlSession } from '../../../src/contracts/sql-session.js';
import { SqlError } from '../../../src/core/testdb/sql-error.js';

export interface HeldStatements {
  /** Resolves when a matching statement is parked. */
  reached: Promise<void>;
  /** Lets the parked statements (and later matching ones) run. */
  release(): void;
}

export interface MemoryPostgres {
  open: OpenSqlSession;
  /** Database name -> content (a template's content is what its migrate command wrote). */
  databases: Map<string, string>;
  /** Every statement run, in order, with the application name of its session. */
  log: { session: string; statement: string }[];
  /** Sessions opened so far. */
  opened: number;
  /** Parks statements that match until release(). */
  hold(match: RegExp): HeldStatements;
  /** Makes matching statements fail with this error (a server error, or a lost connection). */
  failWith(match: RegExp, error: SqlError | undefined): void;
  /** A server restart: every open session is lost. */
  restart(): void;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function serverError(sqlState: string, message: string): SqlError {
  return new SqlError(message, { output: `ERROR:  ${message}`, sqlState });
}

export function memoryPostgres(initial: Record<string, string> = {}): MemoryPostgres {
  const databases = new Map<string, string>([['postgres', ''], ...Object.entries(initial)]);
  const log: MemoryPostgres['log'] = [];
  const holds: { match: RegExp; gate: Promise<void>; reached: () => void }[] = [];
  const failures: { match: RegExp; error: SqlError }[] = [];
  const sessions = new Set<{ lost: boolean }>();

  function execute(statement: string): string[][] {
    let m: RegExpExecArray | null;
    if (/^SELECT datname FROM pg_database WHERE datname LIKE /.test(statement))
      return [...databases.keys()]
        .filter((name) => name.startsWith('devenv_'))
        .sort()
        .map((name) => [name]);
    if (/^SELECT count\(pg_terminate_backend\(pid\)\)/.test(statement)) return [['0']];
    if ((m = /^CREATE DATABASE "([^"]+)" TEMPLATE (?:"([^"]+)"|template0)$/.exec(statement))) {
      const [, name, template] = m as unknown as [string, string, string | undefined];
      if (databases.has(name)) throw serverError('42P04', `database "${name}" already exists`);
      if (template !== undefined && !databases.has(template))
        throw serverError('3D000', `template database "${template}" does not exist`);
      databases.set(name, template === undefined ? '' : databases.get(template)!);
      return [];
    }
    if ((m = /^ALTER DATABASE "([^"]+)" RENAME TO "([^"]+)"$/.exec(statement))) {
      const [, from, to] = m as unknown as [string, string, string];
      if (!databases.has(from)) throw serverError('3D000', `database "${from}" does not exist`);
      if (databases.has(to)) throw serverError('42P04', `database "${to}" already exists`);
      databases.set(to, databases.get(from)!);
      databases.delete(from);
      return [];
    }
    if (/^COMMENT ON DATABASE "[^"]+" IS /.test(statement)) return [];
    if (/^ALTER DATABASE "[^"]+" WITH ALLOW_CONNECTIONS false$/.test(statement)) return [];
    if ((m = /^DROP DATABASE IF EXISTS "([^"]+)" WITH \(FORCE\)$/.exec(statement))) {
      databases.delete(m[1]!);
      return [];
    }
    throw serverError('42601', `syntax error (the memory server does not know: ${statement})`);
  }

  const server: MemoryPostgres = {
    databases,
    log,
    opened: 0,
    async open(_endpoint, options = {}) {
      server.opened++;
      const state = { lost: false };
      sessions.add(state);
      const name = options.applicationName ?? 'devenv';
      const lost = () =>
        new SqlError('Connection terminated unexpectedly', { output: '', connectionLost: true });
      const session: SqlSession = {
        get open() {
          return !state.lost;
        },
        async close() {
          state.lost = true;
          sessions.delete(state);
        },
        async run(statements) {
          const rows: string[][] = [];
          for (const statement of statements) {
            if (state.lost) throw lost();
            await tick();
            for (const hold of holds.filter((h) => h.match.test(statement))) {
              hold.reached();
              await hold.gate;
            }
            if (state.lost) throw lost();
            log.push({ session: name, statement });
            const failure = failures.find((f) => f.match.test(statement));
            if (failure) {
              if (failure.error.connectionLost) state.lost = true;
              throw failure.error;
            }
            rows.push(...execute(statement));
          }
          return rows;
        },
      };
      return session;
    },
    hold(match) {
      let release!: () => void;
      let reached!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
      const entry = { match, gate, reached };
      holds.push(entry);
      return {
        reached: reachedPromise,
        release() {
          holds.splice(holds.indexOf(entry), 1);
          release();
        },
      };
    },
    failWith(match, error) {
      const index = failures.findIndex((f) => f.match.source === match.source);
      if (index >= 0) failures.splice(index, 1);
      if (error) failures.push({ match, error });
    },
    restart() {
      for (const state of sessions) state.lost = true;
      sessions.clear();
    },
  };
  return server;
}
