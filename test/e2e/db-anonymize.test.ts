/**
 * `devenv db anonymize` on a production-like database shaped like the
 * article's (users, companies, payment_methods, audit_logs, sessions with
 * foreign keys; thousands of rows, test/fixtures/anonymize/article-db.sql),
 * made in the project's own Postgres (devenv up) and dumped with pg_dump -Fc. The fixture has a
 * personal column the article's rules do not name (companies.contact_email):
 * the run fails before anything is written. With it covered, the output is
 * restored in that Postgres and scanned independently of devenv's own checks.
 * Every run leaves nothing behind, Ctrl-C included.
 */
import { createHash } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { hostFiles } from '../../src/adapters/fs/host-files.js';
import { devenv, repoRoot, spawnDevenv } from '../support/cli.js';
import { containerExec } from '../support/container-exec.js';
import { countOf, docker, resourcesWhere } from '../support/engine-state.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';

const workspace = e2eWorkspace();
const USERS = 3000;
let dir: string;
let helper: string;

/** psql in the helper, as postgres; the output, or the test fails with it. */
async function psql(database: string, ...args: string[]): Promise<string> {
  const marker = '__exit__';
  const output = await containerExec(helper, [
    'sh',
    '-c',
    `psql -X -q -v ON_ERROR_STOP=1 -U postgres -d "$0" "$@"; echo ${marker}$?`,
    database,
    ...args,
  ]);
  const code = output.slice(output.lastIndexOf(marker) + marker.length).trim();
  if (code !== '0') throw new Error(`psql ${args.join(' ')} failed:\n${output}`);
  return output.slice(0, output.lastIndexOf(marker));
}

const lines = (text: string) => text.split('\n').filter((line) => line !== '');

const coveredRules = await readFile(join(repoRoot, 'test/fixtures/anonymize/article-rules.yaml'), 'utf8');

const helperCompose = `
services:
  postgres:
    image: \${POSTGRES_IMAGE:-postgres:15}
    command: ["postgres", "-c", "fsync=off"]
    environment:
      POSTGRES_PASSWORD: helper
      POSTGRES_DB: prod
`;

beforeAll(async () => {
  // The project's Postgres (up from devenv's data cache) makes the production dump and reads the
  // anonymized one; db anonymize runs in the same project, so its scratch server has that image.
  dir = (await workspace.project({ 'compose.yaml': helperCompose }, 'devenv-anonymize-')).dir;
  const up = await devenv(dir, ['up', '-d', '--branch', `${workspace.prefix}-helper`]);
  if (up.exitCode !== 0) throw new Error(`devenv up failed:\n${up.stdout}${up.stderr}`);
  const [container] = (await resourcesWhere(`dev.devenv.branch=${workspace.prefix}-helper`)).containers;
  helper = container!.Id;
  const fixture = await readFile(join(repoRoot, 'test/fixtures/anonymize/article-db.sql'), 'utf8');
  await docker
    .getContainer(helper)
    .putArchive(hostFiles.packTexts([{ name: 'article-db.sql', text: fixture }]), { path: '/tmp' });
  await psql('prod', '-v', `users=${USERS}`, '-f', '/tmp/article-db.sql');
  await containerExec(helper, ['pg_dump', '-U', 'postgres', '-Fc', '-f', '/tmp/prod.dump', 'prod']);
  await hostFiles.unpackFile(
    await docker.getContainer(helper).getArchive({ path: '/tmp/prod.dump' }),
    join(dir, 'prod.dump'),
  );
  await writeFile(join(dir, 'anonymize.yaml'), coveredRules);
  await writeFile(
    join(dir, 'article.yaml'),
    coveredRules
      .replace('      contact_email: email\n', '')
      .replace('# The article', '# Not quite the article'),
  );
}, 120_000);

/** Whatever the run created on the engine: its branch's labelled resources. */
async function leftovers(branch: string): Promise<number> {
  return countOf(await resourcesWhere(`dev.devenv.branch=${branch}`));
}

describe('devenv db anonymize', () => {
  it('fails closed on a personal column the rules do not name: nothing is written, nothing is left', async () => {
    const branch = `${workspace.prefix}-uncovered`;
    const result = await devenv(dir, [
      'db',
      'anonymize',
      '--from',
      'prod.dump',
      '--rules',
      'article.yaml',
      '--out',
      'uncovered.dump',
      '--branch',
      branch,
    ]);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      'Error: 1 column of the dump has no rule in article.yaml, 1 looking personal. Nothing was written (fail closed).',
    );
    expect(result.stderr).toContain(
      'companies.contact_email (looks personal: its name suggests an email address)',
    );
    expect(result.stderr).toContain('      contact_email: email  # looks personal');
    await expect(stat(join(dir, 'uncovered.dump'))).rejects.toThrow(/ENOENT/);
    expect(await leftovers(branch)).toBe(0);
  });

  it('with every column covered: no original value survives, rows and joins as the rules say, stamped', async () => {
    const branch = `${workspace.prefix}-covered`;
    const result = await devenv(dir, [
      'db',
      'anonymize',
      '--from',
      'prod.dump',
      '--rules',
      'anonymize.yaml',
      '--out',
      'anonymized.dump',
      '--report',
      'report.json',
      '--branch',
      branch,
    ]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(
      "scratch Postgres ready: devenv-test/postgres:15 (the project's postgres service)",
    );
    expect(result.stdout).toContain('check   originals-gone: none of');
    expect(await leftovers(branch)).toBe(0);

    // Restore the output in the helper and scan it, with nothing of devenv's own checks.
    await docker
      .getContainer(helper)
      .putArchive(hostFiles.packFile(join(dir, 'anonymized.dump'), 'anonymized.dump'), { path: '/tmp' });
    await psql('prod', '-c', 'CREATE DATABASE anon');
    await containerExec(helper, ['pg_restore', '-U', 'postgres', '-d', 'anon', '/tmp/anonymized.dump']);

    const originals = new Set(
      lines(
        await psql(
          'prod',
          '-A',
          '-t',
          '-c',
          `SELECT v FROM (
             SELECT email v FROM users UNION ALL SELECT phone FROM users UNION ALL SELECT first_name FROM users
             UNION ALL SELECT last_name FROM users UNION ALL SELECT notes FROM users
             UNION ALL SELECT street FROM companies UNION ALL SELECT city FROM companies
             UNION ALL SELECT contact_email FROM companies UNION ALL SELECT token FROM sessions
             UNION ALL SELECT card_number FROM payment_methods UNION ALL SELECT ip_address FROM audit_logs) s
           WHERE v IS NOT NULL`,
        ),
      ),
    );
    expect(originals.size).toBeGreaterThan(USERS * 5);
    const output = lines(
      await psql(
        'anon',
        '-A',
        '-t',
        '-c',
        `SELECT v FROM (
           SELECT email v FROM users UNION ALL SELECT phone FROM users UNION ALL SELECT first_name FROM users
           UNION ALL SELECT last_name FROM users UNION ALL SELECT notes FROM users UNION ALL SELECT name FROM companies
           UNION ALL SELECT street FROM companies UNION ALL SELECT city FROM companies UNION ALL SELECT state FROM companies
           UNION ALL SELECT zip FROM companies UNION ALL SELECT contact_email FROM companies
           UNION ALL SELECT token FROM sessions UNION ALL SELECT card_number FROM payment_methods
           UNION ALL SELECT action FROM audit_logs UNION ALL SELECT ip_address FROM audit_logs
           UNION ALL SELECT version FROM schema_migrations) s
         WHERE v IS NOT NULL`,
      ),
    );
    expect(output.length).toBeGreaterThan(USERS * 4);
    expect(output.filter((value) => originals.has(value))).toEqual([]);
    // Nothing shaped like the production emails, phones or tokens, even inside text.
    expect(
      output.filter((value) => /@mail\d+\.com|@corp\d+\.io|\+1 \(\d{3}\)|^[0-9a-f]{64}$/.test(value)),
    ).toEqual([]);

    const facts = lines(
      await psql(
        'anon',
        '-A',
        '-t',
        '-c',
        `SELECT json_build_object(
           'users', (SELECT count(*) FROM users),
           'payment_methods', (SELECT count(*) FROM payment_methods),
           'audit_logs', (SELECT count(*) FROM audit_logs),
           'old_audit_logs', (SELECT count(*) FROM audit_logs WHERE created_at < now() - interval '90 days'),
           'sessions_joined', (SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id),
           'sessions', (SELECT count(*) FROM sessions),
           'users_joined', (SELECT count(*) FROM users u JOIN companies c ON c.id = u.company_id),
           'distinct_emails', (SELECT count(DISTINCT email) FROM users),
           'stamp', (SELECT stamp FROM devenv_anonymization.stamp))`,
      ),
    );
    const scanned = JSON.parse(facts[0]!) as Record<string, unknown>;
    const rulesSha256 = createHash('sha256')
      .update(await readFile(join(dir, 'anonymize.yaml')))
      .digest('hex');
    expect(scanned).toMatchObject({
      users: USERS,
      payment_methods: 0,
      old_audit_logs: 0,
      sessions_joined: USERS / 2,
      sessions: USERS / 2,
      users_joined: USERS,
      distinct_emails: USERS,
      stamp: {
        tool: 'devenv',
        version: 1,
        rulesSha256,
        checks: ['coverage', 'kept-columns', 'row-counts', 'originals-gone', 'patterns', 'foreign-keys'],
      },
    });
    expect(scanned['audit_logs']).toBeGreaterThan(0);
    expect(scanned['audit_logs']).toBeLessThan(USERS);

    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as {
      passed: boolean;
      tables: {
        table: string;
        rowsDeleted: number;
        columns: { column: string; rule: string; rowsTouched: number }[];
      }[];
    };
    expect(report.passed).toBe(true);
    const users = report.tables.find((t) => t.table === 'users')!;
    expect(users.columns.find((c) => c.column === 'email')).toMatchObject({
      rule: 'email',
      rowsTouched: USERS,
    });
    expect(report.tables.find((t) => t.table === 'payment_methods')!.rowsDeleted).toBe(USERS);
    expect(JSON.stringify(report)).not.toMatch(/@mail\d+\.com/);

    // `devenv db load` knows the stamp: the output loads into a dev stack without the flag.
    const loaded = await devenv(dir, [
      'db',
      'load',
      'anonymized.dump',
      '--json',
      '--branch',
      `${workspace.prefix}-helper`,
    ]);
    expect(loaded.exitCode, loaded.stdout + loaded.stderr).toBe(0);
    expect(loaded.stdout).toContain(`"rulesSha256":"${rulesSha256}"`);
  });

  it('an original that survives (a value rule copying a masked column) fails the run: nothing is written', async () => {
    const branch = `${workspace.prefix}-copied`;
    await writeFile(
      join(dir, 'copied.yaml'),
      coveredRules.replace('      notes: redact\n', '      notes: { value: "last_name" }\n'),
    );
    const result = await devenv(dir, [
      'db',
      'anonymize',
      '--from',
      'prod.dump',
      '--rules',
      'copied.yaml',
      '--out',
      'copied.dump',
      '--branch',
      branch,
    ]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toContain('1 check failed after masking (originals-gone): nothing was written.');
    expect(result.stderr).toMatch(
      /originals-gone: users\.notes holds \d+ original values of users\.last_name: mask it too/,
    );
    // The message names columns and counts, never a value.
    expect(result.stderr).not.toMatch(/(Smith|Johnson|Williams|Brown|Jones|Garcia|Miller|Davis)y\d+/);
    await expect(stat(join(dir, 'copied.dump'))).rejects.toThrow(/ENOENT/);
    expect(await leftovers(branch)).toBe(0);
  });

  it('Ctrl-C while it restores: the scratch Postgres, its volume and network are removed', async () => {
    const branch = `${workspace.prefix}-sigint`;
    const child = spawnDevenv(dir, [
      'db',
      'anonymize',
      '--from',
      'prod.dump',
      '--rules',
      'anonymize.yaml',
      '--out',
      'interrupted.dump',
      '--branch',
      branch,
    ]);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 600 && !output.includes('restoring'); i++) await sleep(50);
    expect(await leftovers(branch)).toBeGreaterThan(0);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, String(result.stderr)).toBe(130);
    expect(await leftovers(branch)).toBe(0);
    await expect(stat(join(dir, 'interrupted.dump'))).rejects.toThrow(/ENOENT/);
  });

  it('names the line of a hostile table name before touching the engine', async () => {
    await writeFile(
      join(dir, 'hostile.yaml'),
      "tables:\n  users: delete\n  'x\"; DROP TABLE users; --': delete\n",
    );
    const result = await devenv(dir, [
      'db',
      'anonymize',
      '--from',
      'prod.dump',
      '--rules',
      'hostile.yaml',
      '--out',
      'hostile.dump',
      '--json',
    ]);
    expect(result.exitCode).toBe(1);
    const error = JSON.parse(result.stdout) as { code: string; message: string; location: { line: number } };
    expect(error.code).toBe('ANONYMIZE_RULES_INVALID');
    expect(error.location.line).toBe(3);
    expect(error.message).toContain('hostile.yaml:3');
  });

  it('refuses a file that is not a dump before touching the engine', async () => {
    await writeFile(join(dir, 'not-a-dump.bin'), Buffer.from([0x00, 0x01, 0x02, 0x03]));
    const result = await devenv(dir, [
      'db',
      'anonymize',
      '--from',
      'not-a-dump.bin',
      '--rules',
      'anonymize.yaml',
      '--out',
      'never.dump',
      '--json',
    ]);
    expect(result.exitCode).toBe(1);
    const error = JSON.parse(result.stdout) as { code: string; message: string };
    expect(error.code).toBe('ANONYMIZE_INPUT');
    expect(error.message).toMatch(/not-a-dump\.bin is not a dump: .*neither a custom-format dump/);
    await expect(stat(join(dir, 'never.dump'))).rejects.toThrow(/ENOENT/);
  });
});
