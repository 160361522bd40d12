/** The service's domain: items, read through a cache (cache-aside). */
export interface Item {
  id: number;
  name: string;
  createdAt: string;
}

/** Where items live (Postgres: db/pg-item-store.ts). */
export interface ItemStore {
  list(): Promise<Item[]>;
  get(id: number): Promise<Item | undefined>;
  create(name: string): Promise<Item>;
}

/** A string cache with a time to live (Redis: cache/redis-cache.ts). */
export interface Cache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

export class ItemService {
  constructor(
    private readonly store: ItemStore,
    private readonly cache: Cache,
    private readonly ttlSeconds: number,
  ) {}

  list(): Promise<Item[]> {
    return this.store.list();
  }

  /** From the cache when it holds the item, else from the store (and then cached). */
  async get(id: number): Promise<{ item: Item | undefined; cached: boolean }> {
    const key = `item:${id}`;
    if (this.ttlSeconds > 0) {
      const hit = await this.cache.get(key);
      if (hit !== undefined) return { item: JSON.parse(hit) as Item, cached: true };
    }
    const item = await this.store.get(id);
    if (item !== undefined && this.ttlSeconds > 0)
      await this.cache.set(key, JSON.stringify(item), this.ttlSeconds);
    return { item, cached: false };
  }

  async create(name: string): Promise<Item> {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 200) throw new InvalidItem('name must be 1 to 200 characters');
    return this.store.create(trimmed);
  }
}

export class InvalidItem extends Error {}
