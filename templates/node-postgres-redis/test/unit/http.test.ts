import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler } from '../../src/http.js';
import { ItemService } from '../../src/items.js';
import { MemoryCache, MemoryItemStore } from './fakes.js';

let server: Server;
let base: string;
let healthy = true;

beforeAll(async () => {
  const items = new ItemService(new MemoryItemStore(), new MemoryCache(), 60);
  const health = { check: async () => ({ postgres: healthy, redis: true }) };
  server = createServer(createHandler({ items, health }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the HTTP API', () => {
  it('creates an item, then serves it from the cache', async () => {
    const created = await fetch(`${base}/items`, { method: 'POST', body: JSON.stringify({ name: 'pen' }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: number };
    const first = await fetch(`${base}/items/${id}`);
    expect(first.headers.get('x-cache')).toBe('miss');
    expect(await first.json()).toMatchObject({ id, name: 'pen' });
    expect((await fetch(`${base}/items/${id}`)).headers.get('x-cache')).toBe('hit');
  });

  it('answers 400 for a bad body and 404 for an unknown item', async () => {
    expect((await fetch(`${base}/items`, { method: 'POST', body: 'nope' })).status).toBe(400);
    expect((await fetch(`${base}/items/999`)).status).toBe(404);
  });

  it('reports health, 503 when a dependency is down', async () => {
    expect((await fetch(`${base}/health`)).status).toBe(200);
    healthy = false;
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'degraded', checks: { postgres: false, redis: true } });
    healthy = true;
  });
});
