/** `npm run seed`: the seed data (seeds/*.sql) into DATABASE_URL (devenv runs it for test databases). */
import pg from 'pg';
import { seed } from './sql-files.js';

const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
await client.connect();
try {
  console.log(`seeds: ran ${(await seed(client, 'seeds')).join(', ') || 'none'}`);
} finally {
  await client.end();
}
