/**
 * kill -9 of devenv at moments spread over `up` (small services; a Postgres
 * whose data cache is cold), `down` and `up -d --ephemeral` (fault-harness.ts
 * picks the moments), then against the real engine: nothing unlabelled
 * appeared, never two containers for one service, `up -d` resumes to a ready
 * stack and `down -v` (or the reaper, when the owner of an ephemeral stack
 * ends) leaves nothing of it.
 *
 * Needs `npm run build` (the CLI runs from dist/). FAULT_TRIALS per operation
 * (default 2), FAULT_SEED; FAULT_STATS_DIR for bench/reliability.mjs.
 */
import { removeDataCacheImage } from '../../support/data-cache-cleanup.js';
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../../support/cli.js';
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
import { byBranch, checkStack, leftovers } from './trial-checks.js';

const ws = e2eWorkspace();
const isOurs = (name: string) => name.includes(ws.prefix);

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
      await checkStack(dir, branch, record, before, isOurs);
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
      await checkStack(dir, branch, record, before, isOurs);
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
        await checkStack(trialDir, branch, record, before, isOurs);
        records.push(record);
      }
      await remember();
      const stats = summarize('up (cold Postgres data cache)', duration, records);
      expect(stats.survived, failures(stats)).toBe(stats.trials);
    } finally {
      // The caches these runs made (nobody else has their keys), and their ready copies.
      await remember();
      for (const id of cacheImages) if (!existing.has(id)) await removeDataCacheImage(docker, id);
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
          record.leaked = await leftovers(branch);
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
