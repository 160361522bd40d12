/** After a deploy: the app answers and its dependencies are up. `eval "$(devenv env --env staging)"` first. */
import { expect, it } from 'vitest';

const base = process.env['APP_URL'] ?? `http://${process.env['APP_HOST']}:${process.env['APP_PORT']}`;

it('is healthy', async () => {
  const response = await fetch(`${base}/health`);
  expect(await response.json()).toMatchObject({ status: 'ok' });
});

it('serves items', async () => {
  const response = await fetch(`${base}/items`);
  expect(response.status).toBe(200);
  expect(Array.isArray(await response.json())).toBe(true);
});
