/**
 * "Migrate once, clone many" as a user meets it: `devenv watch` on a project
 * with a Postgres stack and a migrate command; editing a migration rebuilds the
 * template database and reruns the integration tests on a fresh copy that has
 * the new schema.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import { devenv, spawnDevenv } from '../support/cli.js';
import { vitestProject, type TempProject } from '../support/projects.js';
import { reapBranchPrefix, runPrefix } from '../support/engine-state.js';
import { EventLog } from '../support/event-log.js';

const prefix = runPrefix();
const branch = `${prefix}-watchdb`;
let project: TempProject;
let dir: string;
let child: ResultPromise | undefined;

const files: Record<string, string> = {
  'package.json': '{ "name": "watch-db", "private": true, "type": "module" }\n',
  'compose.yaml': `services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: app, POSTGRES_DB: app }
    ports: ["5432"]
`,
  'devenv.yaml': `database:
  service: postgres
  migrate: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -f migrations/001_users.sql
  seed: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -c "insert into users (id) values (1), (2)"
`,
  'migrations/001_users.sql': 'create table users (id int primary key);\n',
  'test/integration/schema.test.ts': `import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';

const psql = (sql: string) => execFileSync('psql', [process.env.DATABASE_URL!, '-tAc', sql]).toString().trim();

test('runs on a fresh copy with the migrated schema and the seed rows', () => {
  expect(new URL(process.env.DATABASE_URL!).pathname).not.toBe('/app');
  expect(psql("select string_agg(column_name, ',' order by column_name) from information_schema.columns where table_name = 'users'")).toBe('email,id');
  expect(psql('select count(*) from users')).toBe('2');
  psql('delete from users');
});
`,
};

beforeAll(async () => {
  project = await vitestProject(files, 'devenv-watchdb-');
  dir = project.dir;
  const up = await devenv(dir, ['up', '-d', '--branch', branch]);
  expect(up.exitCode, up.stdout + up.stderr).toBe(0);
});

afterAll(async () => {
  child?.kill('SIGINT');
  await child;
  await reapBranchPrefix(prefix);
  await project.remove();
});

function resultsOf(events: DevenvEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'test.file.result' ? [`${e.result.file}:${e.result.state}`] : []));
}

describe('watch mode with a test database', () => {
  it('rebuilds the template when a migration changes and runs integration tests on a fresh copy', async () => {
    child = spawnDevenv(dir, ['watch', '--json', '--run-all', '--branch', branch]);
    const log = new EventLog(child);
    await log.until((e) => e.type === 'watcher.ready');
    // The first run: the migration has no email column yet, so the test fails.
    const first = await log.until((e) => e.type === 'test.run.finished');
    expect(resultsOf(first)).toEqual(['test/integration/schema.test.ts:fail']);

    await writeFile(
      join(dir, 'migrations/001_users.sql'),
      'create table users (id int primary key, email text);\n',
    );
    const second = await log.until((e) => e.type === 'test.run.finished');
    const started = second.find((e) => e.type === 'test.run.started');
    expect(started?.type === 'test.run.started' && started.selected).toEqual([
      {
        file: 'test/integration/schema.test.ts',
        kind: 'integration',
        reasons: [expect.stringContaining('migrations/001_users.sql')],
      },
    ]);
    expect(resultsOf(second)).toEqual(['test/integration/schema.test.ts:pass']);

    // Each run gets its own copy: the previous run's delete does not show.
    await writeFile(
      join(dir, 'test/integration/schema.test.ts'),
      files['test/integration/schema.test.ts']! + '\n',
    );
    const third = await log.until((e) => e.type === 'test.run.finished');
    expect(resultsOf(third)).toEqual(['test/integration/schema.test.ts:pass']);
  });

  it('devenv test leases a copy, runs on it and exits when done (its sessions closed)', async () => {
    await writeFile(
      join(dir, 'migrations/001_users.sql'),
      'create table users (id int primary key, email text);\n',
    );
    const result = await devenv(dir, ['test', '--integration', '--json', '--branch', branch]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const finished = result.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as DevenvEvent)
      .find((event) => event.type === 'test.run.finished');
    expect(finished).toMatchObject({ counts: { passed: 1, failed: 0 } });
  });
});
