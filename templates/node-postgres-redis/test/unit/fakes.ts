/** In-memory stand-ins for Postgres and Redis: the unit tests need no stack. */
import type { Cache, Item, ItemStore } from '../../src/items.js';

export class MemoryItemStore implements ItemStore {
  readonly items: Item[] = [];
  reads = 0;

  async list(): Promise<Item[]> {
    return [...this.items];
  }

  async get(id: number): Promise<Item | undefined> {
    this.reads += 1;
    return this.items.find((item) => item.id === id);
  }

  async create(name: string): Promise<Item> {
    const item = { id: this.items.length + 1, name, createdAt: new Date(0).toISOString() };
    this.items.push(item);
    return item;
  }
}

export class MemoryCache implements Cache {
  readonly entries = new Map<string, { value: string; ttlSeconds: number }>();

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key)?.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, ttlSeconds });
  }
}
