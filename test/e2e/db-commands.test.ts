/**
 * `devenv db seed|reset|dump|load` as a user drives them, on two stacks of
 * one project (branches a and b): reset from the migrate-once template with a
 * session open on the database, seed on top, a dump of a loaded onto b
 * (refused without the anonymization stamp, with the hint; accepted with the
 * flag, data intact; a truncated dump changing nothing), and stamped dumps,
 * custom and plain (the plain one through stdout), loaded without the flag.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../src/app/events.js';
import { devenv } from '../support/cli.js';
import { containerExec } from '../support/container-exec.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { stackResources } from '../support/engine-state.js';
import { jsonEvents } from '../support/json-events.js';
import type { TempProject } from '../support/projects.js';

const workspace = e2eWorkspace();
const branchA = `${workspace.prefix}-dba`;
const branchB = `${workspace.prefix}-dbb`;
let project: TempProject;
const postgres: Record<string, string> = {};

const files = {
  'compose.yaml': `name: dbshop
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    environment: { POSTGRES_USER: app, POSTGRES_PASSWORD: app, POSTGRES_DB: app_dev }
    ports: ["5432"]
`,
  // The project's own commands may use whatever the project has; devenv itself uses no host tools.
  'devenv.yaml': `database:
  service: postgres
  migrate: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -f migrations/001_users.sql
  seed: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -c "insert into users (email) values ('a@example.com'), ('b@example.com')"
`,
  'migrations/001_users.sql': 'create table users (id serial primary key, email text not null);\n',
};

const STAMP = `{"tool":"devenv","version":1,"rulesSha256":"${'d'.repeat(64)}","anonymizedAt":"2026-01-02T03:04:05.000Z","checks":[]}`;

beforeAll(async () => {
  project = await workspace.project(files, 'devenv-db-');
  await Promise.all(
    [branchA, branchB].map(async (branch) => {
      const up = await devenv(project.dir, ['up', '-d', '--json', '--branch', branch]);
      expect(up.exitCode, up.stdout + up.stderr).toBe(0);
      const ready = jsonEvents(up.stdout).find((e) => e.type === 'stack.ready');
      const stack = ready?.type === 'stack.ready' ? ready.stack : '';
      const [container] = (await stackResources(stack)).containers;
      postgres[branch] = container!.Id;
    }),
  );
});

/** psql in the branch's Postgres container: one value, or the error it printed. */
async function sql(branch: string, query: string): Promise<string> {
  return (
    await containerExec(postgres[branch]!, ['psql', '-U', 'app', '-d', 'app_dev', '-tAc', query])
  ).trim();
}

const users = (branch: string) =>
  sql(branch, "select coalesce(string_agg(email, ',' order by id), '') from users");
const leftovers = (branch: string) =>
  sql(
    branch,
    "select count(*) from pg_database where datname like 'devenv\\_run\\_%' or datname like '%\\_devenv\\_old\\_%'",
  );

function ofType<T extends DevenvEvent['type']>(events: DevenvEvent[], type: T) {
  return events.filter((e): e is Extract<DevenvEvent, { type: T }> => e.type === type);
}

describe('devenv db', () => {
  it('reset builds the database from the migrate-once template, ending the sessions on it; seed adds to it', async () => {
    // A session on the stack's database, as an application keeps one.
    const held = containerExec(postgres[branchA]!, [
      'sh',
      '-c',
      'PGAPPNAME=held-session psql -U app -d app_dev -c "select pg_sleep(60)"',
    ]);
    for (
      let i = 0;
      i < 600 &&
      (await sql(
        branchA,
        "select count(*) from pg_stat_activity where application_name = 'held-session'",
      )) !== '1';
      i++
    )
      await sleep(50);

    const reset = await devenv(project.dir, ['db', 'reset', '--json', '--branch', branchA]);
    expect(reset.exitCode, reset.stdout + reset.stderr).toBe(0);
    const events = jsonEvents(reset.stdout);
    expect(ofType(events, 'database.connections.ended')).toEqual([
      expect.objectContaining({ database: 'app_dev', applications: ['held-session'] }),
    ]);
    expect(ofType(events, 'database.reset')).toEqual([
      expect.objectContaining({ database: 'app_dev', source: 'template', seeded: true }),
    ]);
    expect(await held).toMatch(/terminat/);
    expect(await users(branchA)).toBe('a@example.com,b@example.com');

    const seed = await devenv(project.dir, ['db', 'seed', '--branch', branchA]);
    expect(seed.exitCode, seed.stdout + seed.stderr).toBe(0);
    expect(seed.stdout).toMatch(/database app_dev of stack \S+ seeded/);
    expect(await users(branchA)).toBe('a@example.com,b@example.com,a@example.com,b@example.com');

    // Again: the template is reused (no rebuild), the extra rows are gone.
    const again = await devenv(project.dir, ['db', 'reset', '--json', '--branch', branchA]);
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).not.toContain('building template');
    expect(await users(branchA)).toBe('a@example.com,b@example.com');
    expect(await leftovers(branchA)).toBe('0');
  });

  it('a dump loads onto another stack only with the anonymization stamp or the flag, data intact; a broken one changes nothing', async () => {
    await sql(branchA, "insert into users (email) values ('c@example.com')");
    const dump = await devenv(project.dir, ['db', 'dump', '--out', 'a.dump', '--branch', branchA]);
    expect(dump.exitCode, dump.stdout + dump.stderr).toBe(0);
    expect(dump.stdout).toMatch(/dumped to a\.dump \(custom, /);

    const refused = await devenv(project.dir, ['db', 'load', 'a.dump', '--branch', branchB]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('a.dump has no devenv anonymization stamp');
    expect(refused.stderr).toContain(
      'devenv db anonymize --from a.dump --rules anonymize.yaml --out a.anonymized.dump',
    );
    expect(refused.stderr).toContain('--i-know-this-is-not-production-data');
    expect(await sql(branchB, "select count(*) from pg_tables where tablename = 'users'")).toBe('0');

    const loaded = await devenv(project.dir, [
      'db',
      'load',
      'a.dump',
      '--branch',
      branchB,
      '--i-know-this-is-not-production-data',
    ]);
    expect(loaded.exitCode, loaded.stdout + loaded.stderr).toBe(0);
    expect(await users(branchB)).toBe('a@example.com,b@example.com,c@example.com');
    // The sequence came along: the next row gets the next id.
    await sql(branchB, "insert into users (email) values ('d@example.com')");
    expect(await sql(branchB, "select id from users where email = 'd@example.com'")).toBe('4');

    const whole = await readFile(join(project.dir, 'a.dump'));
    await writeFile(join(project.dir, 'half.dump'), whole.subarray(0, Math.floor(whole.length * 0.8)));
    const broken = await devenv(project.dir, [
      'db',
      'load',
      'half.dump',
      '--branch',
      branchB,
      '--i-know-this-is-not-production-data',
    ]);
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(/pg_restore of half\.dump failed/);
    expect(broken.stderr).toContain('Nothing was changed');
    expect(await users(branchB)).toBe('a@example.com,b@example.com,c@example.com,d@example.com');
    expect(await leftovers(branchB)).toBe('0');
  });

  it('stamped dumps load without the flag: custom, and plain written to stdout', async () => {
    await sql(
      branchA,
      `create schema devenv_anonymization; create table devenv_anonymization.stamp (stamp jsonb not null); insert into devenv_anonymization.stamp values ('${STAMP}')`,
    );
    const custom = await devenv(project.dir, ['db', 'dump', '--out', 'stamped.dump', '--branch', branchA]);
    expect(custom.exitCode, custom.stdout + custom.stderr).toBe(0);
    const loaded = await devenv(project.dir, ['db', 'load', 'stamped.dump', '--json', '--branch', branchB]);
    expect(loaded.exitCode, loaded.stdout + loaded.stderr).toBe(0);
    expect(ofType(jsonEvents(loaded.stdout), 'database.loaded')).toEqual([
      expect.objectContaining({
        format: 'custom',
        stamp: expect.objectContaining({ rulesSha256: 'd'.repeat(64) }),
      }),
    ]);

    const plain = await devenv(project.dir, [
      'db',
      'dump',
      '--format',
      'plain',
      '--out',
      '-',
      '--branch',
      branchA,
    ]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stdout).toMatch(/^--\n-- PostgreSQL database dump/);
    expect(plain.stderr).toMatch(/dumped to - \(plain, /);
    await writeFile(join(project.dir, 'stamped.sql'), `${plain.stdout}\n`);
    await sql(branchB, 'drop table users');
    const fromPlain = await devenv(project.dir, ['db', 'load', 'stamped.sql', '--json', '--branch', branchB]);
    expect(fromPlain.exitCode, fromPlain.stdout + fromPlain.stderr).toBe(0);
    expect(ofType(jsonEvents(fromPlain.stdout), 'database.loaded')).toEqual([
      expect.objectContaining({
        format: 'plain',
        stamp: expect.objectContaining({ anonymizedAt: '2026-01-02T03:04:05.000Z' }),
      }),
    ]);
    expect(await users(branchB)).toBe('a@example.com,b@example.com,c@example.com');
  });

  it('a seed of SQL files runs them in path order in the container, each all or nothing; reset uses them too', async () => {
    await writeFile(
      join(project.dir, 'devenv.yaml'),
      `database:
  service: postgres
  migrate: psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -q -f migrations/001_users.sql
  seed: { sql: ["seeds/*.sql"] }
`,
    );
    await mkdir(join(project.dir, 'seeds'), { recursive: true });
    await writeFile(
      join(project.dir, 'seeds/001_first.sql'),
      "insert into users (email) values ('s1@example.com');\n",
    );
    await writeFile(
      join(project.dir, 'seeds/002_second.sql'),
      "insert into users (email) values ('s2@example.com');\ninsert into users (email) values ('s3@example.com');\n",
    );
    // Reset: the template's key changed with the seed, so it is built again with the files.
    const reset = await devenv(project.dir, ['db', 'reset', '--json', '--branch', branchA]);
    expect(reset.exitCode, reset.stdout + reset.stderr).toBe(0);
    expect(await users(branchA)).toBe('s1@example.com,s2@example.com,s3@example.com');

    // A file that fails: named, and nothing of it applied (the earlier file was).
    await writeFile(
      join(project.dir, 'seeds/003_broken.sql'),
      "insert into users (email) values ('s4@example.com');\ninsert into no_such_table values (1);\n",
    );
    const seed = await devenv(project.dir, ['db', 'seed', '--branch', branchA]);
    expect(seed.exitCode).toBe(1);
    expect(seed.stderr).toContain('seeds/003_broken.sql');
    expect(seed.stderr).toContain('no_such_table');
    expect(await users(branchA)).toBe(
      's1@example.com,s2@example.com,s3@example.com,s1@example.com,s2@example.com,s3@example.com',
    );
  });
});
