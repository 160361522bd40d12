/**
 * The engine's address pools are exhausted (issue 17): a second engine (netns
 * devpool, bridge 10.242.0.0/24) whose one pool, 10.243.0.0/24 in /28s, holds
 * 16 networks. Three ephemeral stacks whose TTL ran out take 15 of them; a new
 * stack needing two more fails with ENGINE_ADDRESS_POOLS_EXHAUSTED naming the
 * three stale stacks `devenv gc` would free (gc's own selection) and the next
 * step; `devenv gc` then frees them, the same `up` succeeds, and `down -v`
 * leaves nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli } from './built-cli.js';
import { countOf, reapBranchPrefix, resourcesWhere, runPrefix } from '../../support/engine-state.js';
import { tempProject, type TempProject } from '../../support/projects.js';
import { canRunSecondEngine } from '../../support/second-engine.js';
import { MINI_IMAGE, poolEngine, type PoolEngine } from './fault-engines.js';
import { cliError, isClearError, recordOutcome } from './fault-outcome.js';

const prefix = runPrefix();
const projects: TempProject[] = [];

/** One service on `count` networks of its own: each takes a subnet of the pool. */
function networksCompose(count: number): string {
  const names = Array.from({ length: count }, (_, i) => `net${i + 1}`);
  return [
    'services:',
    '  idle:',
    `    image: ${MINI_IMAGE}`,
    '    command: ["sleep", "600"]',
    `    networks: [${names.join(', ')}]`,
    'networks:',
    ...names.map((name) => `  ${name}: {}`),
    '',
  ].join('\n');
}

describe.skipIf(!canRunSecondEngine())("the engine's address pools are exhausted", () => {
  let pools: PoolEngine | undefined;
  /** Alive for the whole file: the stale stacks' owner (their TTL, not their owner, makes them stale). */
  let owner: ChildProcess | undefined;

  beforeAll(async () => {
    await ensureBuiltCli();
    pools = await poolEngine('devpool', '10.242.0.1/24', 'base=10.243.0.0/24,size=28');
    owner = spawn('sleep', ['900'], { stdio: 'ignore' });
  }, 240_000);

  afterAll(async () => {
    if (pools) await reapBranchPrefix(prefix, pools.engine.docker).catch(() => undefined);
    owner?.kill('SIGKILL');
    await pools?.remove();
    await Promise.all(projects.map((p) => p.remove()));
  }, 120_000);

  it('up names the stale stacks gc would free; gc frees them and the same up succeeds', async () => {
    const { engine } = pools!;
    const staleProject = await tempProject({ 'compose.yaml': networksCompose(5) }, 'devenv-fault-pools-');
    const newProject = await tempProject({ 'compose.yaml': networksCompose(2) }, 'devenv-fault-pools-new-');
    projects.push(staleProject, newProject);

    const staleStacks: string[] = [];
    for (const n of [1, 2, 3]) {
      const branch = `${prefix}-stale${n}`;
      const up = await engine.devenv(staleProject.dir, [
        'up',
        '-d',
        '--ephemeral',
        '--ttl',
        '1s',
        '--owner-pid',
        String(owner!.pid),
        '--branch',
        branch,
      ]);
      expect(up.exitCode, up.stderr).toBe(0);
      const stack = (await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker)).containers[0]
        ?.Labels['dev.devenv.stack'];
      expect(stack).toBeDefined();
      staleStacks.push(stack!);
    }
    await sleep(1500); // their TTL runs out

    const branch = `${prefix}-new`;
    const up = await engine.devenv(newProject.dir, ['up', '-d', '--json', '--branch', branch]);
    const error = cliError(up);
    const clear = isClearError(error, 'ENGINE_ADDRESS_POOLS_EXHAUSTED', staleStacks);
    const leftBeforeDown = countOf(await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker));

    // The next step it gives: gc frees the stale stacks' networks, and the same up goes through.
    const gc = await engine.devenv(newProject.dir, ['gc']);
    const again = await engine.devenv(newProject.dir, ['up', '-d', '--branch', branch]);
    const down = await engine.devenv(newProject.dir, ['down', '-v', '--branch', branch]);
    const leftovers = countOf(await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker));
    recordOutcome({
      case: 'address-pools-exhausted',
      clearError: clear,
      code: error?.code,
      exitCode: up.exitCode,
      leftoversAfterDown: leftovers,
    });

    expect(up.exitCode, up.stderr).toBe(1);
    expect(error?.code, JSON.stringify(error)).toBe('ENGINE_ADDRESS_POOLS_EXHAUSTED');
    expect(error?.message).toMatch(/address pools are exhausted/);
    expect(error?.message).toContain('`devenv gc` would free 3 stale stacks');
    for (const stack of staleStacks) expect(error?.details).toContainEqual(expect.stringContaining(stack));
    expect(error?.details?.join('\n')).toMatch(/TTL of 1 s expired/);
    expect(error?.hint).toMatch(/^Run `devenv gc`/);
    expect(error?.hint).toContain('default-address-pools');
    expect(clear).toBe(true);
    // What the failed up had created is the new stack's own, and down removes it.
    expect(leftBeforeDown).toBeLessThanOrEqual(1);
    expect(gc.exitCode, gc.stderr).toBe(0);
    for (const stack of staleStacks)
      expect(countOf(await resourcesWhere(`dev.devenv.stack=${stack}`, engine.docker))).toBe(0);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(leftovers).toBe(0);
  });
});
