/** The service: configuration, Postgres pool, Redis client, HTTP server. */
import { createServer } from 'node:http';
import pg from 'pg';
import { connectRedis, RedisCache } from './cache/redis-cache.js';
import { loadConfig } from './config.js';
import { PgItemStore } from './db/pg-item-store.js';
import { migrate } from './db/sql-files.js';
import { createHandler } from './http.js';
import { ItemService } from './items.js';

const config = loadConfig(process.env);
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.maxConnections });
if (config.migrateOnStart) {
  const client = await pool.connect();
  try {
    const applied = await migrate(client, 'migrations');
    if (applied.length > 0) console.log(`migrations: applied ${applied.join(', ')}`);
  } finally {
    client.release();
  }
}
const redis = await connectRedis(config.redisUrl);
const items = new ItemService(new PgItemStore(pool), new RedisCache(redis), config.cacheTtl);
const health = {
  async check() {
    const [postgres, cache] = await Promise.all([
      pool.query('select 1').then(
        () => true,
        () => false,
      ),
      redis.ping().then(
        (answer) => answer === 'PONG',
        () => false,
      ),
    ]);
    return { postgres, redis: cache };
  },
};

const server = createServer(createHandler({ items, health }));
server.listen(config.port, () =>
  console.log(`listening on ${config.port} (${config.environment}, LOG_LEVEL=${config.logLevel})`),
);

for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    server.close();
    void Promise.allSettled([pool.end(), redis.close()]).then(() => process.exit(0));
  });
