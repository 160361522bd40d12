/**
 * `gc`'s part for the engine's fill pool (app/data-cache-gc.ts), on the memory
 * engine: a ready copy whose image is gone is removed, one whose image is there
 * stays; `--data-cache` removes every copy and the helper; a dry run removes nothing.
 */
import { describe, expect, it } from 'vitest';
import { removeStaleDataCaches } from '../../../src/app/data-cache-gc.js';
import { Labels } from '../../../src/core/stack/labels.js';
import { containerRequest } from '../../support/container-request.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';

async function engineWithPools() {
  const engine = memoryEngine();
  withImage(engine, 'devenv-cache/postgres-data:kept', { id: 'sha256:kept' });
  await engine.createVolume('devenv-fill-pool-kept', {
    [Labels.fillPool]: 'copy',
    [Labels.fillPoolImage]: 'sha256:kept',
  });
  await engine.createVolume('devenv-fill-pool-gone', {
    [Labels.fillPool]: 'copy',
    [Labels.fillPoolImage]: 'sha256:gone',
  });
  await engine.createContainer(
    containerRequest({
      name: 'devenv-fill-pool-helper',
      image: 'devenv-cache/postgres-data:kept',
      labels: { [Labels.fillPool]: 'helper' },
    }),
  );
  return engine;
}

const names = (items: { name: string }[]) => items.map((item) => item.name).sort();

describe('gc of the fill pool', () => {
  it('removes the ready copy of an image that is gone, and keeps the rest', async () => {
    const engine = await engineWithPools();
    const { ctx } = fakeContext(process.cwd(), engine);
    await removeStaleDataCaches(ctx, engine, { dryRun: false, all: false });
    expect(names(await engine.listVolumes({ [Labels.fillPool]: true }))).toEqual(['devenv-fill-pool-kept']);
    expect(names(await engine.listContainers({ [Labels.fillPool]: 'helper' }))).toEqual([
      'devenv-fill-pool-helper',
    ]);
  });

  it('removes the ready copy of a cache image it removes in the same pass', async () => {
    const engine = await engineWithPools();
    withImage(engine, 'devenv-cache/postgres-data:orphan', {
      id: 'sha256:orphan',
      labels: { [Labels.dataCache]: 'postgres', [Labels.dataCacheSource]: 'sha256:source-gone' },
    });
    await engine.createVolume('devenv-fill-pool-orphan', {
      [Labels.fillPool]: 'copy',
      [Labels.fillPoolImage]: 'sha256:orphan',
    });
    const { ctx } = fakeContext(process.cwd(), engine);
    await removeStaleDataCaches(ctx, engine, { dryRun: false, all: false });
    expect(await engine.inspectImage('devenv-cache/postgres-data:orphan')).toBeUndefined();
    expect(names(await engine.listVolumes({ [Labels.fillPool]: true }))).toEqual(['devenv-fill-pool-kept']);
  });

  it('with --data-cache removes every copy and the helper; a dry run only says so', async () => {
    const engine = await engineWithPools();
    const { ctx, events } = fakeContext(process.cwd(), engine);
    await removeStaleDataCaches(ctx, engine, { dryRun: true, all: true });
    expect(names(await engine.listVolumes({ [Labels.fillPool]: true }))).toHaveLength(2);
    expect(events.filter((e) => e.type === 'info').map((e) => e.type === 'info' && e.message)).toEqual(
      expect.arrayContaining([
        'would remove ready copy devenv-fill-pool-gone: asked for (--data-cache)',
        'would remove fill-pool helper devenv-fill-pool-helper',
      ]),
    );
    await removeStaleDataCaches(ctx, engine, { dryRun: false, all: true });
    expect(await engine.listVolumes({ [Labels.fillPool]: true })).toEqual([]);
    expect(await engine.listContainers({ [Labels.fillPool]: true })).toEqual([]);
  });
});
