import { describe, expect, it } from 'vitest';
import {
  addressPoolsExhaustedError,
  diskFullError,
  isAddressPoolsExhaustedMessage,
  isDiskFullMessage,
  withStaleStacks,
} from '../../../src/core/engine-faults.js';

// The engine's own words, as dockerd 20.10 printed them in test/reliability/engine-faults.
const volumeFull =
  "create shop_data: error while creating volume root path '/var/lib/docker/volumes/shop_data': mkdir /var/lib/docker/volumes/shop_data: no space left on device";
const layerFull = 'mkdir /var/lib/docker/overlay2/215a9b-init: no space left on device';
const poolsGone =
  'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network';

describe('engine faults: recognized by the engine’s words', () => {
  it('knows a full disk wherever the engine met it', () => {
    expect(isDiskFullMessage(volumeFull)).toBe(true);
    expect(isDiskFullMessage(layerFull)).toBe(true);
    expect(isDiskFullMessage("dd: error writing '/blob': No space left on device")).toBe(true);
    expect(isDiskFullMessage('write /data/x: disk quota exceeded')).toBe(true);
    expect(isDiskFullMessage('No such container: x')).toBe(false);
    expect(isDiskFullMessage(poolsGone)).toBe(false);
  });

  it('knows exhausted address pools', () => {
    expect(isAddressPoolsExhaustedMessage(poolsGone)).toBe(true);
    expect(
      isAddressPoolsExhaustedMessage('could not find an available, non-overlapping IPv6 address pool'),
    ).toBe(true);
    expect(isAddressPoolsExhaustedMessage('Pool overlaps with other one on this address space')).toBe(false);
    expect(isAddressPoolsExhaustedMessage(layerFull)).toBe(false);
  });
});

describe('ENGINE_DISK_FULL', () => {
  it('says what devenv was doing, keeps the engine’s words, and gives the next step', () => {
    const error = diskFullError('create volume shop_data', volumeFull, { details: ['step 2/2'] });
    expect(error.code).toBe('ENGINE_DISK_FULL');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe(
      "Could not create volume shop_data: the Docker engine's disk is full (no space left on device).",
    );
    expect(error.details).toEqual([volumeFull, 'step 2/2']);
    expect(error.hint).toContain('docker system df');
    expect(error.hint).toContain('devenv gc');
    expect(error.hint).toContain('docker system prune');
  });
});

describe('ENGINE_ADDRESS_POOLS_EXHAUSTED', () => {
  const bare = addressPoolsExhaustedError('create network shop-main_default', poolsGone);

  it('says the pools are exhausted and how to get more networks', () => {
    expect(bare.code).toBe('ENGINE_ADDRESS_POOLS_EXHAUSTED');
    expect(bare.message).toMatch(
      /^Could not create network shop-main_default: the Docker engine's address pools/,
    );
    expect(bare.details).toEqual([poolsGone]);
    expect(bare.hint).toContain('devenv gc');
    expect(bare.hint).toContain('default-address-pools');
  });

  it('names the stale stacks gc would free, with why, and says to run gc first', () => {
    const error = withStaleStacks(bare, [
      { stack: 'shop-old-a1', reason: 'TTL of 1 s expired 3 s ago' },
      { stack: 'shop-old-b2', reason: 'owner process 4242 is gone' },
    ]);
    expect(error.code).toBe('ENGINE_ADDRESS_POOLS_EXHAUSTED');
    expect(error.message).toContain('`devenv gc` would free 2 stale stacks: shop-old-a1, shop-old-b2.');
    expect(error.details).toEqual([
      poolsGone,
      'stale: shop-old-a1 (TTL of 1 s expired 3 s ago)',
      'stale: shop-old-b2 (owner process 4242 is gone)',
    ]);
    expect(error.hint).toMatch(/^Run `devenv gc`: it removes the 2 stale stacks above/);
    expect(withStaleStacks(bare, [{ stack: 'one', reason: 'r' }]).message).toContain(
      '`devenv gc` would free 1 stale stack: one.',
    );
  });

  it('says when no stack is stale, so gc would not help', () => {
    const error = withStaleStacks(bare, []);
    expect(error.message).toMatch(/No devenv stack is stale\.$/);
    expect(error.hint).toMatch(/^No devenv stack is stale, so `devenv gc` frees none/);
    expect(error.hint).toContain('devenv down --stack');
  });
});
