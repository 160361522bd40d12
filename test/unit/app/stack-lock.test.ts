import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/context.js';
import { removeStack } from '../../../src/app/down.js';
import type { DevenvEvent } from '../../../src/app/events.js';
import { withStackLock } from '../../../src/app/stack-lock.js';
import type { ContainerEngine, ResourceSummary } from '../../../src/contracts/engine.js';
import { DevenvError } from '../../../src/core/errors.js';
import { ContainerStackBackend } from '../../../src/adapters/container-stack/container-stack-backend.js';
import { memoryStackLock, type MemoryStackLock } from '../../support/fakes/memory-stack-lock.js';

function context(
  lock: MemoryStackLock,
  env: Record<string, string> = {},
  signal = new AbortController().signal,
  engine?: ContainerEngine,
) {
  const info = { endpoint: 'memory', serverVersion: '0', apiVersion: '0', publishedHost: '127.0.0.1' };
  const events: DevenvEvent[] = [];
  const ctx = {
    env,
    signal,
    clock: { now: () => 0 },
    stackLock: lock,
    builds: { list: () => Promise.resolve([]), remove: () => Promise.resolve() },
    emit: (event: Omit<DevenvEvent, 'time'>) => events.push({ ...event, time: 0 } as DevenvEvent),
    engine: () => Promise.resolve({ engine, info }),
    backend: () => Promise.resolve(new ContainerStackBackend(engine!, info)),
  } as unknown as AppContext;
  return { ctx, events };
}

const other = { pid: 4242, host: 'this-host', since: '2024-01-01T00:00:00.000Z' };

describe('withStackLock', () => {
  it('holds the stack only while the change runs', async () => {
    const lock = memoryStackLock();
    const { ctx } = context(lock);
    const result = await withStackLock(ctx, 's', async () => {
      expect(lock.holders.get('s')).toBe('self');
      return 7;
    });
    expect(result).toBe(7);
    expect(lock.holders.has('s')).toBe(false);
    expect(lock.log).toEqual(['acquire s', 'release s']);
  });

  it('releases when the change fails', async () => {
    const lock = memoryStackLock();
    const { ctx } = context(lock);
    await expect(
      withStackLock(ctx, 's', () => Promise.reject(new DevenvError('SERVICE_FAILED', 'boom'))),
    ).rejects.toMatchObject({ code: 'SERVICE_FAILED' });
    expect(lock.holders.has('s')).toBe(false);
  });

  it('waits for another process, saying which, then changes the stack', async () => {
    const lock = memoryStackLock();
    const { ctx, events } = context(lock);
    const release = lock.holdAs('s', other);
    let ran = false;
    const change = withStackLock(ctx, 's', async () => {
      ran = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran).toBe(false);
    expect(events).toContainEqual(expect.objectContaining({ type: 'stack.waiting', stack: 's', pid: 4242 }));
    release();
    await change;
    expect(ran).toBe(true);
    expect(lock.holders.has('s')).toBe(false);
  });

  it('gives up after DEVENV_LOCK_WAIT with STACK_BUSY naming the process', async () => {
    const lock = memoryStackLock();
    const { ctx } = context(lock, { DEVENV_LOCK_WAIT: '0' });
    lock.holdAs('s', other);
    const error = await withStackLock(ctx, 's', () => Promise.resolve()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('STACK_BUSY');
    expect((error as DevenvError).message).toContain('being changed by another devenv process (pid 4242');
    expect((error as DevenvError).hint).toContain('kill 4242');
  });

  it('ends a wait on Ctrl-C without taking the lock', async () => {
    const lock = memoryStackLock();
    const abort = new AbortController();
    const { ctx } = context(lock, {}, abort.signal);
    lock.holdAs('s', other);
    const change = withStackLock(ctx, 's', () => Promise.resolve());
    setTimeout(() => abort.abort(), 10);
    await expect(change).rejects.toMatchObject({ code: 'INTERRUPTED' });
    expect(lock.holders.get('s')).toEqual(other);
  });
});

describe('removeStack (down)', () => {
  const network = (id: string): ResourceSummary => ({ id, name: 's_default', labels: {} });

  function engine(removed: string[], failOn?: string): ContainerEngine {
    return {
      listContainers: () => Promise.resolve([]),
      listNetworks: () => Promise.resolve([network('n1'), network('n2')]),
      listVolumes: () => Promise.resolve([]),
      listImages: () => Promise.resolve([]),
      removeNetwork: (id: string) => {
        if (id === failOn) return Promise.reject(new DevenvError('ENGINE_ERROR', 'no'));
        removed.push(id);
        return Promise.resolve();
      },
    } as unknown as ContainerEngine;
  }

  it('removes duplicate networks by id under the stack lock', async () => {
    const lock = memoryStackLock();
    const removed: string[] = [];
    const { ctx } = context(lock, {}, undefined, engine(removed));
    const result = await removeStack(ctx, { stack: 's', volumes: false });
    expect(removed.sort()).toEqual(['n1', 'n2']);
    expect(result.networks).toBe(2);
    expect(lock.log).toEqual(['acquire s', 'release s']);
  });

  it('releases the lock when the engine fails', async () => {
    const lock = memoryStackLock();
    const { ctx } = context(lock, {}, undefined, engine([], 'n2'));
    await expect(removeStack(ctx, { stack: 's', volumes: false })).rejects.toThrow();
    expect(lock.holders.has('s')).toBe(false);
  });

  it('does not wait when asked not to (gc)', async () => {
    const lock = memoryStackLock();
    const { ctx } = context(lock, {}, undefined, engine([]));
    lock.holdAs('s', other);
    await expect(removeStack(ctx, { stack: 's', volumes: true, lockWaitMs: 0 })).rejects.toMatchObject({
      code: 'STACK_BUSY',
    });
  });
});
