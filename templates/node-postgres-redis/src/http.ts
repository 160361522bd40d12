/** The HTTP API: /health, GET /items, GET /items/:id, POST /items. Node's own http module, no framework. */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { InvalidItem, type ItemService } from './items.js';

export interface HealthCheck {
  /** Each dependency's state: true when it answers. */
  check(): Promise<Record<string, boolean>>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new InvalidItem('the body must be JSON');
  }
}

export function createHandler(deps: { items: ItemService; health: HealthCheck }): RequestListener {
  const route = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/health') {
      const checks = await deps.health.check();
      const ok = Object.values(checks).every(Boolean);
      return send(res, ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', checks });
    }
    if (req.method === 'GET' && url.pathname === '/items') return send(res, 200, await deps.items.list());
    if (req.method === 'POST' && url.pathname === '/items') {
      const body = (await readJson(req)) as { name?: unknown };
      if (typeof body?.name !== 'string') throw new InvalidItem('name is required');
      return send(res, 201, await deps.items.create(body.name));
    }
    const match = /^\/items\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && match) {
      const { item, cached } = await deps.items.get(Number(match[1]));
      if (item === undefined) return send(res, 404, { error: 'not found' });
      res.setHeader('x-cache', cached ? 'hit' : 'miss');
      return send(res, 200, item);
    }
    return send(res, 404, { error: 'not found' });
  };
  return (req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof InvalidItem) return send(res, 400, { error: error.message });
      console.error(error);
      send(res, 500, { error: 'internal error' });
    });
  };
}
