/**
 * A create whose name is taken: the error says whose object holds the name,
 * and devenv never removes an object without its labels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevenvError } from '../../../src/core/errors.js';
import { BASE_IMAGE, startTestRun, type TestRun } from './test-run.js';

let run: TestRun;
beforeAll(async () => {
  run = await startTestRun('conflict');
});
afterAll(async () => {
  await run?.cleanup();
});

async function errorOf(promise: Promise<unknown>): Promise<DevenvError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DevenvError) return error;
    throw error;
  }
  throw new Error('expected a DevenvError');
}

/** Labels of an object that is not devenv's: no dev.devenv.stack, only the run label cleanup uses. */
const foreignLabels = () => ({ 'dev.devenv.test-run': run.id });

describe('name conflicts on create', () => {
  it("a container that is not devenv's: says so and how to remove it, and leaves it alone", async () => {
    const name = run.name('foreign-c');
    const foreign = await run.docker.createContainer({ name, Image: BASE_IMAGE, Labels: foreignLabels() });
    const error = await errorOf(run.engine.createContainer(run.container({ name })));
    expect(error.code).toBe('ENGINE_ERROR');
    expect(error.message).toBe(
      `Could not create container ${name}: a container named ${name} already exists and was not created by devenv (it has no dev.devenv.stack label)`,
    );
    expect(error.hint).toContain(`\`docker rm -f ${name}\``);
    expect(error.hint).not.toContain('devenv down');
    expect((await foreign.inspect()).Id).toBe(foreign.id);
  });

  it("a network that is not devenv's: says so and how to remove it, and leaves it alone", async () => {
    const name = run.name('foreign-n');
    const foreign = await run.docker.createNetwork({ Name: name, Labels: foreignLabels() });
    const error = await errorOf(run.engine.createNetwork(name, run.labels));
    expect(error.message).toContain(`a network named ${name} already exists and was not created by devenv`);
    expect(error.hint).toContain(`\`docker network rm ${name}\``);
    expect((await foreign.inspect()).Id).toBe(foreign.id);
  });

  it("another devenv stack's container: names that stack", async () => {
    const name = run.name('other-stack');
    await run.engine.createContainer(
      run.container({ name, labels: { 'dev.devenv.stack': 'other-stack-1' } }),
    );
    const error = await errorOf(run.engine.createContainer(run.container({ name })));
    expect(error.message).toContain(`belongs to devenv stack other-stack-1`);
    expect(error.hint).toContain('`devenv down --stack other-stack-1`');
  });

  it("this stack's own container: down then up", async () => {
    const name = run.name('own');
    await run.engine.createContainer(run.container({ name }));
    const error = await errorOf(run.engine.createContainer(run.container({ name })));
    expect(error.message).toContain(`a container named ${name} of this stack is in the way`);
    expect(error.hint).toBe('`devenv down` then `devenv up` recreates the stack.');
  });
});
