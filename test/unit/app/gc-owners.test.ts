/**
 * `gc` collects this user's expired ephemeral stacks, never another user's
 * unless asked (`allUsers`, the CLI's --all-users): on the memory engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { gc } from '../../../src/app/gc.js';
import { up } from '../../../src/app/up.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

describe('gc and owners', () => {
  it("leaves another user's expired ephemeral stack unless allUsers", async () => {
    const created = await tempProject({
      'compose.yaml': 'name: shop\nservices:\n  app:\n    image: redis:7\n',
    });
    projects.push(created);
    const engine = memoryEngine();
    withImage(engine, 'redis:7');
    const { ctx } = fakeContext(created.dir, engine);
    const alice = { ...ctx, host: { ...ctx.host, user: 'alice' } };
    const bob = { ...ctx, host: { ...ctx.host, user: 'bob' } };
    const theirs = await up(alice, { branch: 'main', ephemeral: true, ttlSeconds: 1 });
    const mine = await up(bob, { branch: 'main', ephemeral: true, ttlSeconds: 1 });
    const later = (context: typeof ctx) => ({ ...context, clock: { now: () => Date.now() + 3_600_000 } });

    const collected = await gc(later(bob), { dryRun: false });
    expect(collected.map((v) => v.stack)).toEqual([mine.target.identity.name]);
    const backend = await ctx.backend();
    expect((await backend.observe(theirs.target.identity.name)).containers).toHaveLength(1);

    const all = await gc(later(bob), { dryRun: false, allUsers: true });
    expect(all.map((v) => v.stack)).toEqual([theirs.target.identity.name]);
    expect((await backend.observe(theirs.target.identity.name)).containers).toHaveLength(0);
  });
});
