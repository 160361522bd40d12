/**
 * Against the stack's real Postgres and Redis: `devenv test` sets DATABASE_URL to a fresh copy of
 * the migrated and seeded database (so each run starts from the seed) and REDIS_URL to the stack's.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, RedisCache, type RedisClient } from '../../src/cache/redis-cache.js';
import { PgItemStore } from '../../src/db/pg-item-store.js';
import { ItemService } from '../../src/items.js';

let pool: pg.Pool;
let redis: RedisClient;
let service: ItemService;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: process.env['DATABASE_URL'] });
  redis = await connectRedis(process.env['REDIS_URL']!);
  // A prefix of this run's own: the stack's Redis is shared with the app and other runs.
  service = new ItemService(new PgItemStore(pool), new RedisCache(redis, `test:${randomUUID()}:`), 60);
});

afterAll(async () => {
  await pool?.end();
  await redis?.close();
});

describe('items in Postgres, cached in Redis', () => {
  it('starts from the seed', async () => {
    expect((await service.list()).map((item) => item.name)).toEqual(['first item', 'second item']);
  });

  it('stores an item and reads it back, the second time from Redis', async () => {
    const created = await service.create('from the integration test');
    expect(await service.get(created.id)).toEqual({ item: created, cached: false });
    expect(await service.get(created.id)).toEqual({ item: created, cached: true });
    const { rows } = await pool.query('select name from items where id = $1', [created.id]);
    expect(rows).toEqual([{ name: 'from the integration test' }]);
  });
});
