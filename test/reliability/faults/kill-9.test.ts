/**
 * kill -9 of devenv at moments spread over `up`, `down`, `up --ephemeral`,
 * `preview up`, `db snapshot restore` and `db anonymize` (fault-harness.ts
 * picks the moments), then against the real engine: nothing unlabelled
 * appeared, never two containers for one service, `up -d` resumes to a ready
 * stack and `down -v` (or `preview rm`, `gc`, the reaper) leaves nothing of
 * it; a restore leaves the database old or restored, never half; an anonymize
 * leaves no output looking complete when it is not, and runs again.
 *
 * Needs `npm run build` (the CLI runs from dist/). FAULT_TRIALS per operation
 * (default 3), FAULT_SEED; FAULT_STATS_DIR for bench/reliability.mjs.
 */
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFiles } from '../../../src/adapters/fs/host-files.js';
import { devenv, repoRoot } from '../../support/cli.js';
import { containerExec } from '../../support/container-exec.js';
import { e2eWorkspace } from '../../support/e2e-workspace.js';
import { countOf, docker, resourcesWhere } from '../../support/engine-state.js';
import { freePort, getThroughProxy } from '../../support/proxy-http.js';
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

const ws = e2eWorkspace();
const isOurs = (name: string) => name.includes(ws.prefix);
const byBranch = (branch: string) => resourcesWhere(`dev.devenv.branch=${branch}`);

/** Two small services: the stand-in base image sleeping. */
const sleepers = `
services:
  app:
    image: devenv-test/debian-base:bookworm
    command: ["sleep", "infinity"]
    init: true
  worker:
    image: devenv-test/debian-base:bookworm
    command: ["sleep", "infinity"]
    init: true
`;

/** The checks every trial of a stack operation makes after the kill: unlabelled, duplicates, resume, down. */
async function checkStack(
  dir: string,
  branch: string,
  record: TrialRecord,
  before: Awaited<ReturnType<typeof inventory>>,
  env: Record<string, string> = {},
): Promise<void> {
  const unlabelled = await unlabelledSince(before, isOurs);
  record.unlabelled = unlabelled.ours;
  record.unattributedUnlabelled = unlabelled.others;
  record.invariants['no unlabelled resource'] = unlabelled.ours.length === 0;
  record.duplicates = duplicateServices((await byBranch(branch)).containers);
  const up = await devenv(dir, ['up', '-d', '--branch', branch], env);
  if (up.exitCode !== 0) record.notes.push(`up after the kill: ${up.exitCode} ${up.stderr.slice(-400)}`);
  const after = (await byBranch(branch)).containers;
  record.duplicates.push(...duplicateServices(after));
  record.invariants['no duplicate container'] = record.duplicates.length === 0;
  record.invariants['up resumes'] =
    up.exitCode === 0 && after.length === 2 && after.every((c) => c.State === 'running');
  const down = await devenv(dir, ['down', '-v', '--branch', branch], env);
  const left = await byBranch(branch);
  record.leaked = [
    ...left.containers.map((c) => `container ${c.Names.join(',')}`),
    ...left.networks.map((n) => `network ${n.Name}`),
    ...left.volumes.map((v) => `volume ${v.Name}`),
  ];
  record.invariants['down leaves nothing'] = down.exitCode === 0 && record.leaked.length === 0;
}

describe('kill -9 during up and down', () => {
  let dir = '';
  beforeAll(async () => {
    dir = (await ws.project({ 'compose.yaml': sleepers }, 'devenv-faults-')).dir;
  });

  it('up: resumes with one container per service, down leaves nothing, nothing unlabelled', async () => {
    const timing = `${ws.prefix}-uptime`;
    const duration = await timeOperation(dir, ['up', '-d', '--branch', timing], {});
    await devenv(dir, ['down', '-v', '--branch', timing]);
    const records: TrialRecord[] = [];
    for (const [i, moment] of killMoments(duration, FAULT_TRIALS, operationRandom('up')).entries()) {
      const branch = `${ws.prefix}-up${i}`;
      const record = newTrial(i, moment);
      const before = await inventory();
      record.killed = (await runAndKill(dir, ['up', '-d', '--branch', branch], {}, moment)).killed;
      await checkStack(dir, branch, record, before);
      records.push(record);
    }
    const stats = summarize('up', duration, records);
    expect(stats.survived, failures(stats)).toBe(stats.trials);
  });

  it('down: up resumes after it, down again leaves nothing, nothing unlabelled', async () => {
    const timing = `${ws.prefix}-downtime`;
    expect((await devenv(dir, ['up', '-d', '--branch', timing])).exitCode).toBe(0);
    const duration = await timeOperation(dir, ['down', '-v', '--branch', timing], {});
    const records: TrialRecord[] = [];
    for (const [i, moment] of killMoments(duration, FAULT_TRIALS, operationRandom('down')).entries()) {
      const branch = `${ws.prefix}-down${i}`;
      const record = newTrial(i, moment);
      const up = await devenv(dir, ['up', '-d', '--branch', branch]);
      expect(up.exitCode, up.stderr).toBe(0);
      const before = await inventory();
      record.killed = (await runAndKill(dir, ['down', '-v', '--branch', branch], {}, moment)).killed;
      await checkStack(dir, branch, record, before);
      records.push(record);
    }
    const stats = summarize('down', duration, records);
    expect(stats.survived, failures(stats)).toBe(stats.trials);
  });

  it('up of a Postgres whose data cache is cold (its builder and cache image made mid-up): the same', async () => {
    // A password of its own per run makes a new cache key: every trial builds the cache.
    const postgres = (tag: string) => `
services:
  app:
    image: devenv-test/debian-base:bookworm
    command: ["sleep", "infinity"]
    init: true
  db:
    image: devenv-test/postgres:15
    environment:
      POSTGRES_PASSWORD: faults-${ws.prefix}-${tag}
`;
    const cacheImages = new Set<string>();
    const remember = async () => {
      for (const image of await docker.listImages({
        filters: JSON.stringify({ label: ['dev.devenv.data-cache'] }),
      }))
        cacheImages.add(image.Id);
    };
    const existing = new Set(
      (await docker.listImages({ filters: JSON.stringify({ label: ['dev.devenv.data-cache'] }) })).map(
        (i) => i.Id,
      ),
    );
    try {
      const timingDir = (await ws.project({ 'compose.yaml': postgres('t') }, 'devenv-faults-pg-')).dir;
      const timing = `${ws.prefix}-pgtime`;
      const duration = await timeOperation(timingDir, ['up', '-d', '--branch', timing], {});
      await devenv(timingDir, ['down', '-v', '--branch', timing]);
      const records: TrialRecord[] = [];
      for (const [i, moment] of killMoments(
        duration,
        FAULT_TRIALS,
        operationRandom('up cold cache'),
      ).entries()) {
        const trialDir = (await ws.project({ 'compose.yaml': postgres(String(i)) }, 'devenv-faults-pg-')).dir;
        const branch = `${ws.prefix}-pg${i}`;
        const record = newTrial(i, moment);
        const before = await inventory();
        record.killed = (await runAndKill(trialDir, ['up', '-d', '--branch', branch], {}, moment)).killed;
        await checkStack(trialDir, branch, record, before);
        records.push(record);
      }
      await remember();
      const stats = summarize('up (cold Postgres data cache)', duration, records);
      expect(stats.survived, failures(stats)).toBe(stats.trials);
    } finally {
      // The caches these runs made (nobody else has their keys): unforced, as gc would.
      await remember();
      for (const id of cacheImages)
        if (!existing.has(id))
          await docker
            .getImage(id)
            .remove()
            .catch(() => undefined);
    }
  });

  it('up --ephemeral: the stack is reaped when its owner ends, nothing unlabelled', async () => {
    const owners: ReturnType<typeof spawn>[] = [];
    const owner = () => {
      const child = spawn('sleep', ['600'], { stdio: 'ignore' });
      owners.push(child);
      return child;
    };
    try {
      const timing = `${ws.prefix}-ephtime`;
      const first = owner();
      const args = (branch: string, pid: number) => [
        'up',
        '-d',
        '--ephemeral',
        '--owner-pid',
        String(pid),
        '--branch',
        branch,
      ];
      const duration = await timeOperation(dir, args(timing, first.pid!), {});
      first.kill('SIGKILL');
      await eventually(async () => countOf(await byBranch(timing)) === 0, 30_000);
      const records: TrialRecord[] = [];
      for (const [i, moment] of killMoments(duration, FAULT_TRIALS, operationRandom('ephemeral')).entries()) {
        const branch = `${ws.prefix}-eph${i}`;
        const record = newTrial(i, moment);
        const before = await inventory();
        const child = owner();
        record.killed = (await runAndKill(dir, args(branch, child.pid!), {}, moment)).killed;
        const unlabelled = await unlabelledSince(before, isOurs);
        record.unlabelled = unlabelled.ours;
        record.unattributedUnlabelled = unlabelled.others;
        record.invariants['no unlabelled resource'] = unlabelled.ours.length === 0;
        record.duplicates = duplicateServices((await byBranch(branch)).containers);
        record.invariants['no duplicate container'] = record.duplicates.length === 0;
        child.kill('SIGKILL');
        const reaped = await eventually(async () => countOf(await byBranch(branch)) === 0, 20_000);
        record.invariants['reaped when its owner ends'] = reaped;
        if (!reaped) {
          const left = await byBranch(branch);
          record.leaked = [
            ...left.containers.map((c) => `container ${c.Names.join(',')}`),
            ...left.networks.map((n) => `network ${n.Name}`),
            ...left.volumes.map((v) => `volume ${v.Name}`),
          ];
          // What gc (the safety net) makes of it: the owner is gone.
          await devenv(dir, ['gc']);
          record.notes.push(`gc after the reaper missed it: ${countOf(await byBranch(branch))} left`);
        }
        records.push(record);
      }
      const stats = summarize('up --ephemeral', duration, records);
      expect(stats.survived, failures(stats)).toBe(stats.trials);

      // The moment that matters, every time: killed as its first container appears (before the reaper
      // used to start, at the end of up), then the owner ends.
      const branch = `${ws.prefix}-ephfirst`;
      const child = owner();
      const killed = await runAndKillWhen(dir, args(branch, child.pid!), {}, async () => {
        return (await byBranch(branch)).containers.length > 0;
      });
      expect(killed.killed, killed.stdout + killed.stderr).toBe(true);
      expect(countOf(await byBranch(branch))).toBeGreaterThan(0);
      child.kill('SIGKILL');
      expect(await eventually(async () => countOf(await byBranch(branch)) === 0, 20_000)).toBe(true);
    } finally {
      for (const child of owners) child.kill('SIGKILL');
    }
  });
});

describe('kill -9 during preview up', () => {
  const files = {
    'compose.yaml': `
services:
  web:
    image: devenv-test/node:20
    command: ["node", "-e", "require('http').createServer((q, s) => s.end('preview ok')).listen(3000)"]
    init: true
    ports:
      - "3000"
`,
  };
  let dir = '';
  let port = 0;
  let cache = '';
  let env: Record<string, string> = {};
  const branches: string[] = [];

  beforeAll(async () => {
    dir = (await ws.project(files, 'devenv-faults-preview-')).dir;
    port = await freePort();
    cache = await mkdtemp(join(tmpdir(), 'devenv-faults-cache-'));
    env = {
      DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2',
      DEVENV_PROXY_PORT: String(port),
      XDG_CACHE_HOME: cache,
    };
    const git = (...args: string[]) => execa('git', args, { cwd: dir });
    await git('init', '-q', '-b', 'main');
    await git('config', 'user.email', 'test@example.com');
    await git('config', 'user.name', 'test');
    await git('add', '.');
    await git('commit', '-qm', 'main');
    for (let i = -1; i < FAULT_TRIALS; i++) {
      const branch = `${ws.prefix}-pv${i < 0 ? 't' : i}`;
      branches.push(branch);
      await git('branch', branch);
    }
  }, 120_000);

  afterAll(async () => {
    for (const branch of branches) await devenv(dir, ['preview', 'rm', branch], env);
    for (const container of await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`dev.devenv.proxy-server=${port}`] }),
    }))
      await docker
        .getContainer(container.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined);
    await rm(cache, { recursive: true, force: true });
  }, 180_000);

  it('preview up again works and answers through the proxy; preview rm leaves nothing', async () => {
    const duration = await timeOperation(dir, ['preview', 'up', branches[0]!], env);
    await devenv(dir, ['preview', 'rm', branches[0]!], env);
    const records: TrialRecord[] = [];
    for (const [i, moment] of killMoments(duration, FAULT_TRIALS, operationRandom('preview up')).entries()) {
      const branch = branches[i + 1]!;
      const record = newTrial(i, moment);
      const before = await inventory();
      record.killed = (await runAndKill(dir, ['preview', 'up', branch], env, moment)).killed;
      const unlabelled = await unlabelledSince(before, (name) => isOurs(name) || name.includes('proxy'));
      record.unlabelled = unlabelled.ours;
      record.unattributedUnlabelled = unlabelled.others;
      record.invariants['no unlabelled resource'] = unlabelled.ours.length === 0;
      record.duplicates = duplicateServices((await byBranch(branch)).containers);
      const again = await devenv(dir, ['preview', 'up', branch, '--json'], env);
      let answered = false;
      if (again.exitCode === 0) {
        const url = (JSON.parse(again.stdout) as { urls: Record<string, string> }).urls['web'] ?? '';
        answered = await eventually(
          async () =>
            (await getThroughProxy(url).catch(() => ({ status: 0, body: '' }))).body === 'preview ok',
          15_000,
        );
      } else record.notes.push(`preview up again: ${again.exitCode} ${again.stderr.slice(-400)}`);
      record.duplicates.push(...duplicateServices((await byBranch(branch)).containers));
      record.invariants['no duplicate container'] = record.duplicates.length === 0;
      record.invariants['preview up again works'] = answered;
      const removed = await devenv(dir, ['preview', 'rm', branch], env);
      const left = await byBranch(branch);
      record.leaked = [
        ...left.containers.map((c) => `container ${c.Names.join(',')}`),
        ...left.networks.map((n) => `network ${n.Name}`),
        ...left.volumes.map((v) => `volume ${v.Name}`),
      ];
      record.invariants['preview rm leaves nothing'] = removed.exitCode === 0 && record.leaked.length === 0;
      records.push(record);
    }
    const stats = summarize('preview up', duration, records);
    expect(stats.survived, failures(stats)).toBe(stats.trials);
  });
});

/** psql in a container as `user`; the output, or throws with it. */
async function psql(container: string, user: string, database: string, sql: string): Promise<string> {
  const marker = '__exit__';
  const output = await containerExec(container, [
    'sh',
    '-c',
    `psql -X -q -A -t -v ON_ERROR_STOP=1 -U "$0" -d "$1" -c "$2"; echo ${marker}$?`,
    user,
    database,
    sql,
  ]);
  const code = output.slice(output.lastIndexOf(marker) + marker.length).trim();
  if (code !== '0') throw new Error(`psql ${sql} failed:\n${output}`);
  return output.slice(0, output.lastIndexOf(marker)).trim();
}

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
      const left = await byBranch(branch);
      record.leaked = [
        ...left.containers.map((c) => `container ${c.Names.join(',')}`),
        ...left.networks.map((n) => `network ${n.Name}`),
        ...left.volumes.map((v) => `volume ${v.Name}`),
      ];
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
