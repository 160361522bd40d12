/**
 * The reaper of an ephemeral detached stack (`devenv __reap`), on the
 * in-memory engine. `up -d --ephemeral` starts it before anything of the stack
 * exists (so a devenv killed half-way still leaves a reaper): with --starter,
 * an empty stack is not taken for a removed one while the starter runs.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStack } from '../../../src/app/down.js';
import { up } from '../../../src/app/up.js';
import { commandOptions, type CommandIO } from '../../../src/cli/command.js';
import { reapCommand } from '../../../src/cli/commands/reap.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

const OWNER = 1_000_001;
const STARTER = 1_000_002;

describe('__reap', () => {
  it('started before the stack exists, it waits for it while the starter runs, and removes it when the owner ends', async () => {
    const project = await tempProject({ 'compose.yaml': 'services:\n  app:\n    image: local/app\n' });
    projects.push(project);
    const engine = memoryEngine();
    withImage(engine, 'local/app');
    const fake = fakeContext(project.dir, engine);
    const alive = new Set([OWNER, STARTER]);
    const ctx = { ...fake.ctx, host: { ...fake.ctx.host, isProcessAlive: (pid: number) => alive.has(pid) } };
    // The stack's name, then nothing of it: as when the reaper starts, before up creates anything.
    const stack = (await up(ctx, { branch: 'main' })).target.identity.name;
    await removeStack(ctx, { stack, volumes: true });
    const backend = await ctx.backend();
    const count = async () => {
      const observed = await backend.observe(stack);
      return observed.containers.length + observed.networks.length + observed.volumes.length;
    };
    expect(await count()).toBe(0);

    const args = ['--stack', stack, '--pid', String(OWNER), '--starter', String(STARTER)];
    let ended = false;
    const reaping = reapCommand
      .run(ctx, { isTTY: false } as CommandIO, parseArgs({ args, options: commandOptions(reapCommand) }))
      .finally(() => (ended = true));
    // Three seconds of an empty stack while the starter runs: it looks (every 3 s) and stays.
    await sleep(3500);
    expect(ended).toBe(false);
    await up(ctx, { branch: 'main' });
    alive.delete(STARTER);
    expect(await count()).toBeGreaterThan(0);
    alive.delete(OWNER);
    expect(await reaping).toBe(0);
    expect(await count()).toBe(0);
  }, 20_000);
});
