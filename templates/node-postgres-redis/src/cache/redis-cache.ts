/** The cache in Redis. */
import { createClient } from 'redis';
import type { Cache } from '../items.js';

const newClient = (url: string) => createClient({ url });
export type RedisClient = ReturnType<typeof newClient>;

export async function connectRedis(url: string): Promise<RedisClient> {
  const client = newClient(url);
  client.on('error', (error: Error) => console.error(`redis: ${error.message}`));
  await client.connect();
  return client;
}

export class RedisCache implements Cache {
  constructor(
    private readonly client: RedisClient,
    /** Prefixed to every key, so two apps (or test runs) can share one Redis. */
    private readonly prefix = '',
  ) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.client.get(this.prefix + key)) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.client.set(this.prefix + key, value, { expiration: { type: 'EX', value: ttlSeconds } });
  }
}
