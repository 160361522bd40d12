/**
 * Create calls carry their configuration in the body only: a large label or
 * environment value must not reach the URL (the engine answers 431 to a
 * request line over 1 MB).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRun, type TestRun } from './test-run.js';

let run: TestRun;
beforeAll(async () => {
  run = await startTestRun('large');
});
afterAll(async () => {
  await run?.cleanup();
});

const big = 'v'.repeat(2 * 1024 * 1024);

describe('large create requests', () => {
  it('creates a container with a 2 MB environment value and label', async () => {
    const name = run.name('big-c');
    const id = await run.engine.createContainer(
      run.container({ name, env: { BIG: big }, labels: { 'x.big': big } }),
    );
    const inspected = await run.docker.getContainer(id).inspect();
    expect(inspected.Config.Labels['x.big']).toHaveLength(big.length);
    expect(inspected.Config.Env).toContain(`BIG=${big}`);
  });

  it('creates a network and a volume with a 2 MB label', async () => {
    const network = run.name('big-n');
    await run.engine.createNetwork(network, { ...run.labels, 'x.big': big });
    expect((await run.docker.getNetwork(network).inspect()).Labels?.['x.big']).toHaveLength(big.length);
    const volume = run.name('big-v');
    await run.engine.createVolume(volume, { ...run.labels, 'x.big': big });
    expect((await run.docker.getVolume(volume).inspect()).Labels?.['x.big']).toHaveLength(big.length);
  });
});
