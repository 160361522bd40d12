/**
 * The preview proxy: stacks brought up with --proxy answer at
 * http://<service>.<branch>.<owner>.<project>.localhost:<port>/ by host name,
 * whatever host ports they got; the proxy goes with the last routed stack.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { docker, removeProxies } from '../support/engine-state.js';
import { freePort, getThroughProxy } from '../support/proxy-http.js';

const ws = e2eWorkspace();
const port = await freePort();
const env = { DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2', DEVENV_PROXY_PORT: String(port) };

/** A web service that answers with WHO (the branch), on node's stand-in image. */
export const whoCompose = `
services:
  web:
    image: \${NODE_IMAGE:-node:20}
    command: ["node", "-e", "require('http').createServer((q, s) => s.end('hello from ' + process.env.WHO)).listen(3000)"]
    environment:
      WHO: \${DEVENV_BRANCH}
    ports:
      - "3000"
  cache:
    image: \${REDIS_IMAGE:-redis:7}
    ports:
      - "6379"
`;

async function proxyContainers(): Promise<string[]> {
  const list = await docker.listContainers({
    all: true,
    filters: JSON.stringify({ label: [`dev.devenv.proxy-server=${port}`] }),
  });
  return list.map((c) => c.Names[0] ?? '');
}

afterAll(async () => {
  await removeProxies(port);
});

describe('the preview proxy', () => {
  it('routes by host name to each stack and is removed with the last one', async () => {
    const project = await ws.project({ 'compose.yaml': whoCompose }, 'devenv-proxy-');
    const a = `${ws.prefix}-a`;
    const b = `${ws.prefix}-b`;
    const [upA, upB] = await Promise.all([
      devenv(project.dir, ['up', '-d', '--proxy', '--branch', a], env),
      devenv(project.dir, ['up', '-d', '--proxy', '--branch', b], env),
    ]);
    expect(upA.exitCode, upA.stdout + upA.stderr).toBe(0);
    expect(upB.exitCode, upB.stdout + upB.stderr).toBe(0);
    const urlOf = (output: string) => /web: (http:\/\/\S+)/.exec(output)?.[1] ?? '';
    const urlA = urlOf(upA.stdout);
    const urlB = urlOf(upB.stdout);
    expect(urlA).toMatch(new RegExp(`^http://web\\.${a}\\.[a-z0-9-]+\\.[a-z0-9-]+\\.localhost:${port}/$`));
    expect(urlB).not.toBe(urlA);
    // Syncs are serialized and read the engine's labels: whichever came last, both routes are there,
    // and an `up` that changes nothing keeps them.
    await devenv(project.dir, ['up', '-d', '--proxy', '--branch', a], env);
    expect(await getThroughProxy(urlA)).toEqual({ status: 200, body: `hello from ${a}` });
    expect(await getThroughProxy(urlB)).toEqual({ status: 200, body: `hello from ${b}` });
    // `devenv env` names the stable URL too.
    const shown = await devenv(project.dir, ['env', '--json', '--branch', a], env);
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as Record<string, string>)['WEB_URL']).toBe(urlA);
    // Redis is not HTTP: no route for it; an unknown host gets the proxy's 404.
    expect(upA.stdout).not.toMatch(/cache: http/);
    const unknown = await getThroughProxy(`http://nothing.${ws.prefix}.localhost:${port}/`);
    expect(unknown.status).toBe(404);

    const downA = await devenv(project.dir, ['down', '--branch', a], env);
    expect(downA.exitCode, downA.stderr).toBe(0);
    expect((await getThroughProxy(urlA)).status).toBe(404);
    expect(await getThroughProxy(urlB)).toEqual({ status: 200, body: `hello from ${b}` });
    expect(await proxyContainers()).toHaveLength(1);

    // Its last stack's containers gone some other way than `down`: gc --dry-run names the proxy, keeps it.
    const kept = await devenv(project.dir, ['gc', '--dry-run'], env);
    expect(kept.stdout).not.toContain(`(port ${port})`);
    for (const c of await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [`dev.devenv.proxy=${port}`] }),
    }))
      await docker.getContainer(c.Id).remove({ force: true, v: true });
    const dry = await devenv(project.dir, ['gc', '--dry-run'], env);
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`(port ${port}): no stack uses it`);
    expect(await proxyContainers()).toHaveLength(1);

    const downB = await devenv(project.dir, ['down', '--branch', b], env);
    expect(downB.exitCode, downB.stderr).toBe(0);
    expect(downB.stdout).toMatch(/removed: no stack uses it/);
    expect(await proxyContainers()).toEqual([]);
  });
});
