import { describe, expect, it } from 'vitest';
import { InvalidItem, ItemService } from '../../src/items.js';
import { MemoryCache, MemoryItemStore } from './fakes.js';

describe('ItemService', () => {
  it('reads an item from the store once, then from the cache', async () => {
    const store = new MemoryItemStore();
    const cache = new MemoryCache();
    const service = new ItemService(store, cache, 60);
    const created = await service.create('  a thing ');
    expect(created.name).toBe('a thing');
    expect(await service.get(created.id)).toEqual({ item: created, cached: false });
    expect(await service.get(created.id)).toEqual({ item: created, cached: true });
    expect(store.reads).toBe(1);
    expect(cache.entries.get(`item:${created.id}`)?.ttlSeconds).toBe(60);
  });

  it('does not cache with a TTL of 0 (the testing environment)', async () => {
    const store = new MemoryItemStore();
    const service = new ItemService(store, new MemoryCache(), 0);
    const { id } = await service.create('x');
    await service.get(id);
    await service.get(id);
    expect(store.reads).toBe(2);
  });

  it('refuses an empty name', async () => {
    const service = new ItemService(new MemoryItemStore(), new MemoryCache(), 60);
    await expect(service.create('   ')).rejects.toBeInstanceOf(InvalidItem);
  });
});
