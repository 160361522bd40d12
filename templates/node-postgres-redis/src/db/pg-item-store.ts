/** Items in Postgres (table `items`, migrations/001_create_items.sql). */
import type pg from 'pg';
import type { Item, ItemStore } from '../items.js';

interface Row {
  id: number;
  name: string;
  created_at: Date;
}

const toItem = (row: Row): Item => ({ id: row.id, name: row.name, createdAt: row.created_at.toISOString() });

export class PgItemStore implements ItemStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<Item[]> {
    const { rows } = await this.pool.query<Row>('select id, name, created_at from items order by id');
    return rows.map(toItem);
  }

  async get(id: number): Promise<Item | undefined> {
    const { rows } = await this.pool.query<Row>('select id, name, created_at from items where id = $1', [id]);
    return rows[0] === undefined ? undefined : toItem(rows[0]);
  }

  async create(name: string): Promise<Item> {
    const { rows } = await this.pool.query<Row>(
      'insert into items (name) values ($1) returning id, name, created_at',
      [name],
    );
    return toItem(rows[0]!);
  }
}
