import { describe, expect, it } from 'vitest';
import { connectOrExplain } from '../../../src/cli/doctor-gate.js';
import { DevenvError } from '../../../src/core/errors.js';

// An engine address nothing answers at: the doctor's engine check fails there.
const nowhere = { DOCKER_HOST: 'unix:///nonexistent/devenv-gate.sock', HOME: '/nonexistent' };

describe('connectOrExplain (the engine gate of `devenv up`)', () => {
  it('asks the doctor nothing when the connection is made', async () => {
    let connects = 0;
    const ctx = { engine: async () => (connects++, {}) as never };
    // The doctor would fail on this address; it is not consulted.
    await expect(connectOrExplain(ctx, nowhere)).resolves.toBeUndefined();
    expect(connects).toBe(1);
  });

  it('a failed connection is told in the doctor words: what was tried and the fix', async () => {
    const ctx = {
      engine: async () => {
        throw new DevenvError('ENGINE_UNREACHABLE', 'raw engine error');
      },
    };
    const error = await connectOrExplain(ctx, nowhere).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('ENGINE_UNREACHABLE');
    expect((error as DevenvError).message).toContain('/nonexistent/devenv-gate.sock');
    expect((error as DevenvError).message).not.toBe('raw engine error');
    expect((error as DevenvError).hint).toContain('devenv doctor');
  });
});
