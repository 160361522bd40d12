/**
 * kill -9 of devenv at moments spread over `preview up` (local engine, the
 * proxy included): nothing unlabelled, one container per service, `preview up`
 * again answers through the proxy, `preview rm` leaves nothing.
 *
 * Needs `npm run build` (the CLI runs from dist/). FAULT_TRIALS per operation
 * (default 2), FAULT_SEED; FAULT_STATS_DIR for bench/reliability.mjs.
 */
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../../support/cli.js';
import { e2eWorkspace } from '../../support/e2e-workspace.js';
import { removeProxies } from '../../support/engine-state.js';
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
  summarize,
  timeOperation,
  unlabelledSince,
  type TrialRecord,
} from './fault-harness.js';
import { byBranch, leftovers } from './trial-checks.js';

const ws = e2eWorkspace();
const isOurs = (name: string) => name.includes(ws.prefix);

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
    await removeProxies(port);
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
      record.leaked = await leftovers(branch);
      record.invariants['preview rm leaves nothing'] = removed.exitCode === 0 && record.leaked.length === 0;
      records.push(record);
    }
    const stats = summarize('preview up', duration, records);
    expect(stats.survived, failures(stats)).toBe(stats.trials);
  });
});
