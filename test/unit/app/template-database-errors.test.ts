/**
 * Test databases on the in-memory engine, with a Postgres that fails, reached
 * by psql in the container or by a session from the host: the failure is a
 * DATABASE_ERROR naming what devenv tried and the server's (or psql's) last
 * lines, never a raw error reported as a bug in devenv.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerStackBackend } from '../../../src/adapters/container-stack/container-stack-backend.js';
import type { StackBackend } from '../../../src/contracts/stack-backend.js';
import { resolveStackTarget } from '../../../src/app/stack-target.js';
import { createTemplateDatabaseProvider } from '../../../src/app/testing/template-database.js';
import { up } from '../../../src/app/up.js';
import type { SqlSession } from '../../../src/contracts/sql-session.js';
import { DevenvError } from '../../../src/core/errors.js';
import { SqlError } from '../../../src/core/testdb/sql-error.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

/** The backend of a Postgres in recovery: `env` works, every psql exits 2 with a FATAL line. */
function failingPsql(backend: StackBackend): StackBackend {
  return Object.assign(Object.create(backend) as StackBackend, {
    exec: async (id: string, command: string[]) =>
      command.includes('psql')
        ? { exitCode: 2, output: 'psql: error: FATAL:  the database system is in recovery mode\n' }
        : command[0] === 'env'
          ? { exitCode: 0, output: 'POSTGRES_USER=app\nPOSTGRES_PASSWORD=secret\n' }
          : backend.exec(id, command),
  });
}

/** A stack of one Postgres service (`db`, the test database) up on the in-memory engine. */
async function postgresStack(compose: string) {
  const created = await tempProject(
    { 'compose.yaml': compose, 'devenv.yaml': 'database:\n  service: db\n  migrate: "true"\n' },
    'devenv-testdb-',
  );
  projects.push(created);
  const engine = memoryEngine();
  withImage(engine, 'local/postgres');
  const { ctx } = fakeContext(created.dir, engine);
  await up(ctx, { branch: 'sql' });
  const target = await resolveStackTarget(ctx, { branch: 'sql' });
  return { created, engine, ctx, target };
}

describe('test databases when psql fails', () => {
  it('are a DATABASE_ERROR with psql’s words and a next step', async () => {
    const { created, engine, ctx, target } = await postgresStack(
      'services:\n  db:\n    image: local/postgres\n',
    );
    const backend = failingPsql(new ContainerStackBackend(engine, await engine.info()));
    const provider = createTemplateDatabaseProvider(ctx, {
      target,
      database: ctx.project.devenvConfig(created.dir).database!,
      backend,
    });
    const error = await provider.lease('run-1', new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect(error).toMatchObject({ code: 'DATABASE_ERROR' });
    expect((error as DevenvError).message).toContain('the database system is in recovery mode');
    expect((error as DevenvError).details.join('\n')).toContain('FATAL');
    expect((error as DevenvError).hint).toContain('devenv logs');
  });
});

describe('test databases when the server fails over the connection from the host', () => {
  it('are a DATABASE_ERROR with the server’s words and a next step, after one new connection', async () => {
    const { created, ctx, target } = await postgresStack(
      'services:\n  db:\n    image: local/postgres\n    ports:\n      - "5432"\n',
    );
    let opened = 0;
    // The server accepts the login, then ends every session: FATAL 57P03 (in recovery).
    ctx.sqlSession = async () => {
      opened++;
      const session: SqlSession = {
        open: true,
        close: async () => undefined,
        run: async () => {
          throw new SqlError('the database system is in recovery mode', {
            output: 'FATAL:  the database system is in recovery mode',
            sqlState: '57P03',
            connectionLost: true,
          });
        },
      };
      return session;
    };
    const provider = createTemplateDatabaseProvider(ctx, {
      target,
      database: ctx.project.devenvConfig(created.dir).database!,
    });
    const error = await provider.lease('run-1', new AbortController().signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect(error).toMatchObject({ code: 'DATABASE_ERROR' });
    expect((error as DevenvError).message).toBe(
      'Could not list the test databases: the database system is in recovery mode',
    );
    expect((error as DevenvError).details).toEqual(['FATAL:  the database system is in recovery mode']);
    expect((error as DevenvError).hint).toContain('devenv logs');
    expect(opened).toBe(4); // two sessions, lost, and two more for the one retry
    await provider.close();
  });
});
