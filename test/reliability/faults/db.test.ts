/**
 * kill -9 of devenv at moments spread over `db snapshot restore` and `db
 * anonymize`: the database is the old one or the snapshot, open, never half
 * (and never missing while `up -d` says the stack is ready); a restore again
 * works; an anonymize leaves no output under its name that is not complete,
 * its scratch server labelled (gc removes it), and runs again.
 *
 * Needs `npm run build` (the CLI runs from dist/). FAULT_TRIALS per operation
 * (default 2), FAULT_SEED; FAULT_STATS_DIR for bench/reliability.mjs.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFiles } from '../../../src/adapters/fs/host-files.js';
import { devenv, repoRoot } from '../../support/cli.js';
import { containerExec } from '../../support/container-exec.js';
import { e2eWorkspace } from '../../support/e2e-workspace.js';
import { countOf, docker } from '../../support/engine-state.js';
import {
  duplicateServices,
  eventually,
  failures,
  FAULT_TRIALS,
  inventory,
  killMoments,
  newTrial,
  operationRandom,
  runAndKill,
  runAndKillWhen,
  summarize,
  timeOperation,
  unlabelledSince,
  type TrialRecord,
} from './fault-harness.js';
import { byBranch, leftovers, psql } from './trial-checks.js';

const ws = e2eWorkspace();
const isOurs = (name: string) => name.includes(ws.prefix);

describe('kill -9 during db snapshot restore', () => {
  const compose = `
services:
  postgres:
    image: devenv-test/postgres:15
    command: ["postgres", "-c", "fsync=off"]
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: app
      POSTGRES_DB: app
    # Published: devenv talks to it from the host, so a kill ends its session mid-restore.
    ports:
      - "5432"
`;
  let dir = '';
  let branch = '';
  let container = '';

  beforeAll(async () => {
    dir = (await ws.project({ 'compose.yaml': compose }, 'devenv-faults-snap-')).dir;
    branch = `${ws.prefix}-snap`;
    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    if (up.exitCode !== 0) throw new Error(`up failed:\n${up.stdout}${up.stderr}`);
    container = (await byBranch(branch)).containers[0]!.Id;
    await psql(
      container,
      'app',
      'app',
      "CREATE TABLE marker (v text); INSERT INTO marker VALUES ('snap'); CREATE TABLE bulk AS SELECT g, md5(g::text) FROM generate_series(1, 50000) g",
    );
    const save = await devenv(dir, ['db', 'snapshot', 'save', 's1', '--branch', branch]);
    if (save.exitCode !== 0) throw new Error(`save failed:\n${save.stdout}${save.stderr}`);
  }, 180_000);

  afterAll(async () => {
    await devenv(dir, ['down', '-v', '--branch', branch]);
  }, 120_000);

  /** The app database: whether it exists and takes connections, and its marker. */
  async function state(): Promise<{ exists: boolean; open: boolean; marker?: string }> {
    const row = await psql(
      container,
      'app',
      'postgres',
      "SELECT datallowconn FROM pg_database WHERE datname = 'app'",
    ).catch(() => '');
    if (row === '') return { exists: false, open: false };
    const marker = await psql(container, 'app', 'app', 'SELECT v FROM marker').catch(() => undefined);
    return { exists: true, open: row === 't', ...(marker === undefined ? {} : { marker }) };
  }

  const readyCopy = async () =>
    (await psql(
      container,
      'app',
      'postgres',
      "SELECT count(*) FROM pg_database WHERE datname LIKE 'devenv\\_snapr\\_%'",
    ).catch(() => '0')) === '1';

  it('the database is the old one or the snapshot, never half; restore again works; up resumes', async () => {
    await eventually(readyCopy, 20_000);
    await psql(container, 'app', 'app', "UPDATE marker SET v = 'old'");
    const duration = await timeOperation(dir, ['db', 'snapshot', 'restore', 's1', '--branch', branch], {});
    expect((await state()).marker).toBe('snap');
    const records: TrialRecord[] = [];
    let badReportedGood = 0;
    for (const [i, moment] of killMoments(duration, FAULT_TRIALS, operationRandom('restore')).entries()) {
      const record = newTrial(i, moment);
      const old = `old${i}`;
      await psql(container, 'app', 'app', `UPDATE marker SET v = '${old}'`);
      if (!(await eventually(readyCopy, 20_000))) record.notes.push('no ready copy: restore clones');
      const before = await inventory();
      record.killed = (
        await runAndKill(dir, ['db', 'snapshot', 'restore', 's1', '--branch', branch], {}, moment)
      ).killed;
      const after = await state();
      const whole = after.exists && after.open && (after.marker === old || after.marker === 'snap');
      record.notes.push(`after the kill: ${JSON.stringify(after)}`);
      // What devenv says of the stack now: `up -d` ready means it reports the database good.
      const up = await devenv(dir, ['up', '-d', '--branch', branch]);
      if (!whole && up.exitCode === 0) badReportedGood++;
      record.invariants['old or restored, never half'] = whole;
      record.invariants['up resumes'] = up.exitCode === 0;
      const unlabelled = await unlabelledSince(before, isOurs);
      record.unlabelled = unlabelled.ours;
      record.unattributedUnlabelled = unlabelled.others;
      record.invariants['no unlabelled resource'] = unlabelled.ours.length === 0;
      record.duplicates = duplicateServices((await byBranch(branch)).containers);
      record.invariants['no duplicate container'] = record.duplicates.length === 0;
      const again = await devenv(dir, ['db', 'snapshot', 'restore', 's1', '--branch', branch]);
      const restored = await state();
      record.invariants['restore again works'] =
        again.exitCode === 0 && restored.open && restored.marker === 'snap';
      if (again.exitCode !== 0) record.notes.push(`restore again: ${again.stderr.slice(-400)}`);
      records.push(record);
    }
    const stats = summarize('db snapshot restore', duration, records, {
      badRestoresReportedGood: badReportedGood,
    });
    expect(stats.survived, failures(stats)).toBe(stats.trials);
  });

  it('killed while its swap waits (another session holds the ready copy): the database is still there, open, old', async () => {
    await psql(container, 'app', 'app', "UPDATE marker SET v = 'before-lock'");
    expect(await eventually(readyCopy, 30_000)).toBe(true);
    const ready = await psql(
      container,
      'app',
      'postgres',
      "SELECT datname FROM pg_database WHERE datname LIKE 'devenv\\_snapr\\_%'",
    );
    // Holds a lock on the ready copy for 8 s (COMMENT locks the database object; a rename needs it
    // exclusively): the restore's rename of it waits there.
    const blocker = containerExec(container, [
      'sh',
      '-c',
      `(echo 'BEGIN;'; echo "COMMENT ON DATABASE \\"${ready}\\" IS 'faults';"; sleep 8; echo 'ROLLBACK;') | psql -X -q -U app -d postgres`,
    ]);
    expect(
      await eventually(
        async () =>
          (await psql(
            container,
            'app',
            'postgres',
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE 'COMMENT ON DATABASE%'",
          )) === '1',
        5_000,
        100,
      ),
    ).toBe(true);
    const waiting = async () =>
      (await psql(
        container,
        'app',
        'postgres',
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'ALTER DATABASE%RENAME%'",
      )) !== '0';
    const killed = await runAndKillWhen(
      dir,
      ['db', 'snapshot', 'restore', 's1', '--branch', branch],
      {},
      waiting,
    );
    expect(killed.killed, killed.stdout + killed.stderr).toBe(true);
    // Before the blocker lets go: the database is there (its rename aside is not committed), open.
    expect(
      await psql(container, 'app', 'postgres', "SELECT datallowconn FROM pg_database WHERE datname = 'app'"),
    ).toBe('t');
    await blocker;
    expect(await eventually(async () => (await state()).marker !== undefined, 15_000)).toBe(true);
    expect(await state()).toEqual({ exists: true, open: true, marker: 'before-lock' });
    const again = await devenv(dir, ['db', 'snapshot', 'restore', 's1', '--branch', branch]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect((await state()).marker).toBe('snap');
  });
});

describe('kill -9 during db anonymize', () => {
  const USERS = 300;
  let dir = '';
  let helper = '';
  const helperBranch = `${ws.prefix}-anonhelper`;

  beforeAll(async () => {
    const compose = `
services:
  postgres:
    image: devenv-test/postgres:15
    command: ["postgres", "-c", "fsync=off"]
    environment:
      POSTGRES_PASSWORD: helper
      POSTGRES_DB: prod
`;
    dir = (await ws.project({ 'compose.yaml': compose }, 'devenv-faults-anon-')).dir;
    const up = await devenv(dir, ['up', '-d', '--branch', helperBranch]);
    if (up.exitCode !== 0) throw new Error(`up failed:\n${up.stdout}${up.stderr}`);
    helper = (await byBranch(helperBranch)).containers[0]!.Id;
    const fixture = await readFile(join(repoRoot, 'test/fixtures/anonymize/article-db.sql'), 'utf8');
    await docker
      .getContainer(helper)
      .putArchive(hostFiles.packTexts([{ name: 'article-db.sql', text: fixture }]), { path: '/tmp' });
    await containerExec(helper, [
      'psql',
      '-X',
      '-q',
      '-U',
      'postgres',
      '-d',
      'prod',
      '-v',
      `users=${USERS}`,
      '-f',
      '/tmp/article-db.sql',
    ]);
    await containerExec(helper, ['pg_dump', '-U', 'postgres', '-Fc', '-f', '/tmp/prod.dump', 'prod']);
    await hostFiles.unpackFile(
      await docker.getContainer(helper).getArchive({ path: '/tmp/prod.dump' }),
      join(dir, 'prod.dump'),
    );
    await writeFile(
      join(dir, 'anonymize.yaml'),
      await readFile(join(repoRoot, 'test/fixtures/anonymize/article-rules.yaml'), 'utf8'),
    );
  }, 180_000);

  afterAll(async () => {
    await devenv(dir, ['down', '-v', '--branch', helperBranch]);
  }, 120_000);

  /** pg_restore reads the whole file's table of contents and data: a complete custom dump. */
  async function completeDump(path: string): Promise<boolean> {
    await docker.getContainer(helper).putArchive(hostFiles.packFile(path, 'check.dump'), { path: '/tmp' });
    const out = await containerExec(helper, [
      'sh',
      '-c',
      'pg_restore -f /dev/null /tmp/check.dump; echo __exit__$?',
    ]);
    return out.trim().endsWith('__exit__0');
  }

  const anonymize = (out: string, branch: string) => [
    'db',
    'anonymize',
    '--from',
    'prod.dump',
    '--rules',
    'anonymize.yaml',
    '--out',
    out,
    '--branch',
    branch,
  ];

  it('no output looks complete when it is not, gc removes the scratch server, a re-run succeeds', async () => {
    const timingBranch = `${ws.prefix}-anontime`;
    const duration = await timeOperation(dir, anonymize('timing.dump', timingBranch), {});
    const records: TrialRecord[] = [];
    let partialOutputs = 0;
    for (const [i, moment] of killMoments(duration, FAULT_TRIALS, operationRandom('anonymize')).entries()) {
      const branch = `${ws.prefix}-anon${i}`;
      const out = `out${i}.dump`;
      const record = newTrial(i, moment);
      const before = await inventory();
      record.killed = (await runAndKill(dir, anonymize(out, branch), {}, moment)).killed;
      const unlabelled = await unlabelledSince(before, (name) => isOurs(name) || name.includes('anonymize-'));
      record.unlabelled = unlabelled.ours;
      record.unattributedUnlabelled = unlabelled.others;
      record.invariants['no unlabelled resource'] = unlabelled.ours.length === 0;
      record.duplicates = duplicateServices((await byBranch(branch)).containers);
      record.invariants['no duplicate container'] = record.duplicates.length === 0;
      const written = join(dir, out);
      const complete = !existsSync(written) || (await completeDump(written));
      if (!complete) partialOutputs++;
      record.invariants['no partial output under its name'] = complete;
      const partials = (await readdir(dir)).filter((name) => name.startsWith(`.${out}.`));
      if (partials.length > 0) record.notes.push(`temporary files left: ${partials.join(', ')}`);
      if (countOf(await byBranch(branch)) > 0) {
        const gc = await devenv(dir, ['gc']);
        record.notes.push(`gc: ${gc.exitCode}`);
      }
      record.leaked = await leftovers(branch);
      record.invariants['gc removes the scratch server'] = record.leaked.length === 0;
      const again = await devenv(dir, anonymize(out, branch));
      record.invariants['a re-run succeeds'] =
        again.exitCode === 0 && (await completeDump(written)) && countOf(await byBranch(branch)) === 0;
      if (again.exitCode !== 0) record.notes.push(`re-run: ${again.stderr.slice(-400)}`);
      records.push(record);
    }
    const stats = summarize('db anonymize', duration, records, { partialOutputs });
    expect(stats.survived, failures(stats)).toBe(stats.trials);
  });
});
