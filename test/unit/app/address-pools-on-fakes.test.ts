/**
 * `up` on an engine whose address pools are exhausted (the in-memory engine
 * refusing networks as dockerd words it): the error names the stacks
 * `devenv gc` would remove, by gc's own selection (app/gc.ts staleStacks).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { up } from '../../../src/app/up.js';
import { addressPoolsExhaustedError } from '../../../src/core/engine-faults.js';
import { DevenvError } from '../../../src/core/errors.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

const goneOwner = 999_999;

async function failedUp(withStale: boolean): Promise<DevenvError> {
  const project = await tempProject(
    { 'compose.yaml': 'services:\n  app:\n    image: local/app\n' },
    'devenv-fakes-',
  );
  projects.push(project);
  const engine = memoryEngine();
  withImage(engine, 'local/app');
  const fake = fakeContext(project.dir, engine);
  const ctx = { ...fake.ctx, host: { ...fake.ctx.host, isProcessAlive: (pid: number) => pid !== goneOwner } };
  if (withStale) {
    await up(ctx, { branch: 'old', ephemeral: true, ownerPid: goneOwner });
    await up(ctx, { branch: 'kept', ephemeral: true, ownerPid: process.pid });
  }
  engine.createNetwork = () =>
    Promise.reject(
      addressPoolsExhaustedError(
        'create network x',
        'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network',
      ),
    );
  const error = await up(ctx, { branch: 'new' }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DevenvError);
  return error as DevenvError;
}

describe('up when the address pools are exhausted', () => {
  it('names the stale stacks gc would free, and only those', async () => {
    const error = await failedUp(true);
    expect(error.code).toBe('ENGINE_ADDRESS_POOLS_EXHAUSTED');
    expect(error.message).toMatch(/`devenv gc` would free 1 stale stack: \S*old\S*\.$/);
    expect(error.message).not.toMatch(/kept/);
    expect(error.details.filter((line) => line.startsWith('stale: '))).toEqual([
      expect.stringMatching(new RegExp(`^stale: \\S*old\\S* \\(.*${goneOwner}.*\\)$`)),
    ]);
    expect(error.hint).toMatch(/^Run `devenv gc`/);
  });

  it('says no stack is stale when none is', async () => {
    const error = await failedUp(false);
    expect(error.code).toBe('ENGINE_ADDRESS_POOLS_EXHAUSTED');
    expect(error.message).toMatch(/No devenv stack is stale\.$/);
  });
});
