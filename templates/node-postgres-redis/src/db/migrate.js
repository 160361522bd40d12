/** `npm run migrate`: applies pending migrations to DATABASE_URL (devenv runs it for test databases). */
import pg from 'pg';
import { migrate } from './sql-files.js';

const client = new pg.Client({ connectionString: process.env['DATABASE_URL'] });
await client.connect();
try {
  const applied = await migrate(client, 'migrations');
  console.log(applied.length === 0 ? 'migrations: up to date' : `migrations: applied ${applied.join(', ')}`);
} finally {
  await client.end();
}
