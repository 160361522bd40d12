/**
 * Migrations and seeds are plain SQL files applied in name order (001_..., 002_...). Each migration
 * runs once, in a transaction, and is recorded in schema_migrations; an advisory lock keeps two
 * processes (the app starting, `npm run migrate`) from applying the same one.
 *
 * Plain JavaScript (type-checked through JSDoc, `checkJs`): `npm run migrate` and `npm run seed`
 * run it with node directly, with no build step.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCK = 4_242_001;

/** @param {string} dir */
async function sqlFiles(dir) {
  const names = await readdir(dir).catch(() => /** @type {string[]} */ ([]));
  return names.filter((name) => name.endsWith('.sql')).sort();
}

/**
 * Applies the migrations not applied yet; returns their names.
 * @param {import('pg').ClientBase} client
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
export async function migrate(client, dir) {
  await client.query('select pg_advisory_lock($1)', [LOCK]);
  try {
    await client.query(
      'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
    );
    const { rows } = await client.query('select name from schema_migrations');
    const done = new Set(rows.map((row) => row.name));
    /** @type {string[]} */
    const applied = [];
    for (const name of await sqlFiles(dir)) {
      if (done.has(name)) continue;
      await client.query('begin');
      try {
        await client.query(await readFile(join(dir, name), 'utf8'));
        await client.query('insert into schema_migrations (name) values ($1)', [name]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(
          `migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      applied.push(name);
    }
    return applied;
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK]);
  }
}

/**
 * Runs every seed file, in one transaction; returns their names.
 * @param {import('pg').ClientBase} client
 * @param {string} dir
 * @returns {Promise<string[]>}
 */
export async function seed(client, dir) {
  const names = await sqlFiles(dir);
  await client.query('begin');
  try {
    for (const name of names) await client.query(await readFile(join(dir, name), 'utf8'));
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  return names;
}
