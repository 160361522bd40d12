/**
 * `devenv preview --engine swarm` on the real three-node test swarm (test/support/swarm-cluster.sh):
 * two branches' previews whose web service is constrained to a worker each (devswarm1, devswarm2),
 * answering at their stable URLs through the preview proxy, which runs as a swarm service on the
 * manager's node (this machine: its host-mode port answers on loopback) and reaches each web
 * service by name over the stack's overlay network, across nodes. `preview ls` lists both with
 * their URLs and nodes; `preview rm` of one leaves nothing labelled with its stack on any node
 * while the other's URL keeps answering; `gc --engine swarm` removes the other once its TTL has
 * run out, and the proxy with it.
 */
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';
import { freePort, getThroughProxy, type ProxyAnswer } from '../support/proxy-http.js';
import {
  acquireSwarm,
  canRunSwarm,
  managerEngine,
  releaseSwarm,
  swarmLeftovers,
  swarmNodesVariable,
} from '../support/swarm-cluster.js';

const prefix = runPrefix();
const a = `${prefix}-spa`;
const b = `${prefix}-spb`;
const port = await freePort();
const cache = await mkdtemp(join(tmpdir(), 'devenv-swarm-preview-cache-'));
let env: Record<string, string> = {};
let project: TempProject | undefined;
let acquired = false;
const stacks = new Map<string, string>();

/** A web service answering with its branch's page, placed on one worker. */
function compose(page: string, node: 'w1' | 'w2'): string {
  return `name: swprev
services:
  web:
    image: devenv-test/node:20
    command: ["node", "-e", "require('http').createServer((q, s) => s.end(process.env.PAGE)).listen(3000)"]
    environment:
      PAGE: "${page}"
    ports: ["3000"]
    deploy:
      placement:
        constraints: ["node.labels.devenv.test.node==${node}"]
`;
}

const git = (...args: string[]) => execa('git', args, { cwd: project!.dir });

/** The proxy's services, containers, network and volume on the manager (by devenv's proxy-server label and our port). */
async function proxyOnManager(): Promise<string[]> {
  const filters = { label: [`dev.devenv.proxy-server=${port}`] };
  return [
    ...(await managerEngine.listServices({ filters })).map((s) => `service ${s.Spec?.Name}`),
    ...(await managerEngine.listContainers({ all: true, filters })).map((c) => `container ${c.Id}`),
    ...(await managerEngine.listNetworks({ filters })).map((n) => `network ${n.Name}`),
    ...((await managerEngine.listVolumes({ filters })).Volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
}

/** The proxy service's running task (its id): a route change must not replace it. */
async function proxyTask(): Promise<string | undefined> {
  const tasks = await managerEngine.listTasks({
    filters: { service: [`devenv-proxy-${port}`], 'desired-state': ['running'] },
  });
  return (tasks as { ID?: string; Status?: { State?: string } }[]).find(
    (task) => task.Status?.State === 'running',
  )?.ID;
}

/**
 * The URL's answer once the proxy gives the one wanted (200 unless told): a proxy that was
 * just (re)placed may refuse a connection for a moment. Polls up to 30 s, then returns what it got.
 */
async function answerOf(url: string, wanted = 200): Promise<ProxyAnswer> {
  const deadline = Date.now() + 30_000;
  let last: ProxyAnswer = { status: 0, body: '' };
  while (Date.now() < deadline) {
    last = await getThroughProxy(url).catch((error: Error) => ({ status: 0, body: error.message }));
    if (last.status === wanted) return last;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return last;
}

/**
 * What is left of a stack on every node: services, networks, secrets, configs and volumes at
 * once; its task containers, which each node's engine removes on its own after the service is
 * gone, within 30 s.
 */
async function leftOnNodes(stack: string): Promise<string[]> {
  const now = await swarmLeftovers(stack);
  const notContainers = now.filter((entry) => !/ container /.test(entry));
  if (notContainers.length > 0) return notContainers;
  const deadline = Date.now() + 30_000;
  let left = now;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = await swarmLeftovers(stack);
  }
  return left;
}

async function previewUp(
  branch: string,
): Promise<{ stack: string; urls: Record<string, string>; proxy: string }> {
  const result = await devenv(project!.dir, ['preview', 'up', branch, '--engine', 'swarm', '--json'], env);
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as { stack: string; urls: Record<string, string>; proxy: string };
  stacks.set(branch, parsed.stack);
  return parsed;
}

interface PreviewLs {
  branch: string;
  stack: string;
  urls: { service: string; url: string }[];
  services: { service: string; state: string; tasks?: { node: string; state: string }[] }[];
}

describe.skipIf(!canRunSwarm())('devenv preview on a three-node Docker Swarm', () => {
  beforeAll(async () => {
    await acquireSwarm('devenv-test/node:20');
    acquired = true;
    env = {
      DEVENV_SWARM_NODES: await swarmNodesVariable(),
      DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2',
      DEVENV_PROXY_PORT: String(port),
      XDG_CACHE_HOME: cache,
    };
    project = await tempProject({ 'compose.yaml': compose('page of main', 'w1') }, 'devenv-swarm-preview-');
    await git('init', '-q', '-b', 'main');
    await git('config', 'user.email', 'test@example.com');
    await git('config', 'user.name', 'test');
    await git('add', '.');
    await git('commit', '-qm', 'main');
    for (const [branch, node] of [
      [a, 'w1'],
      [b, 'w2'],
    ] as const) {
      await git('checkout', '-q', '-b', branch);
      await writeFile(join(project.dir, 'compose.yaml'), compose(`page of ${branch}`, node));
      await git('commit', '-qam', branch);
      await git('checkout', '-q', 'main');
    }
  }, 300_000);

  afterAll(async () => {
    if (project) {
      for (const stack of stacks.values())
        await devenv(project.dir, ['down', '-v', '--engine', 'swarm', '--stack', stack], env);
      await project.remove();
    }
    // The proxy service, should a failed test have left it.
    const filters = { label: [`dev.devenv.proxy-server=${port}`] };
    for (const service of await managerEngine.listServices({ filters }).catch(() => []))
      await managerEngine
        .getService(service.ID)
        .remove()
        .catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    for (const network of await managerEngine.listNetworks({ filters }).catch(() => []))
      await managerEngine
        .getNetwork(network.Id)
        .remove()
        .catch(() => undefined);
    const volumes = await managerEngine.listVolumes({ filters }).catch(() => ({ Volumes: [] }));
    for (const volume of volumes.Volumes ?? [])
      await managerEngine
        .getVolume(volume.Name)
        .remove()
        .catch(() => undefined);
    await rm(cache, { recursive: true, force: true });
    if (acquired) await releaseSwarm();
  }, 300_000);

  it("routes each worker-placed preview's stable URL through the proxy on the cluster, and removes everything with the last preview", async () => {
    const previewA = await previewUp(a);
    const urlA = previewA.urls['web'] ?? '';
    expect(urlA).toMatch(new RegExp(`^http://web\\.${a}\\.swprev\\.localhost:${port}/$`));
    expect(await answerOf(urlA)).toEqual({ status: 200, body: `page of ${a}` });
    // The proxy is a swarm service on the manager's node, labelled as the container proxy is.
    const [proxy] = await managerEngine.listServices({
      filters: { label: [`dev.devenv.proxy-server=${port}`] },
    });
    expect(proxy?.Spec?.Name).toBe(`devenv-proxy-${port}`);
    expect(proxy?.Spec?.Labels?.['dev.devenv.version']).toBeTruthy();

    // Its Caddyfile in a volume on the manager, and its own network, which the routed services join.
    expect(await proxyOnManager()).toEqual(
      expect.arrayContaining([`network devenv-proxy-${port}`, `volume devenv-proxy-${port}`]),
    );
    const taskBefore = await proxyTask();
    expect(taskBefore).toBeTruthy();

    const previewB = await previewUp(b);
    const urlB = previewB.urls['web'] ?? '';
    expect(await answerOf(urlB)).toEqual({ status: 200, body: `page of ${b}` });
    expect(await answerOf(urlA)).toEqual({ status: 200, body: `page of ${a}` });
    // A new route is a Caddy reload in the running task: the proxy was not replaced (no outage).
    expect(await proxyTask()).toBe(taskBefore);
    // `env` gives the stack's stable URL, as for a preview on the local engine.
    const printed = await devenv(
      project!.dir,
      ['env', '--engine', 'swarm', '--stack', previewB.stack, '--json'],
      env,
    );
    expect(printed.exitCode, printed.stderr).toBe(0);
    expect((JSON.parse(printed.stdout) as Record<string, string>)['WEB_URL']).toBe(urlB);

    const ls = await devenv(project!.dir, ['preview', 'ls', '--engine', 'swarm', '--json'], env);
    expect(ls.exitCode, ls.stderr).toBe(0);
    const listed = JSON.parse(ls.stdout) as PreviewLs[];
    const byBranch = new Map(listed.map((preview) => [preview.branch, preview]));
    expect(byBranch.get(a)?.urls.map((route) => route.url)).toEqual([urlA]);
    expect(byBranch.get(b)?.urls.map((route) => route.url)).toEqual([urlB]);
    expect(byBranch.get(a)?.services[0]?.tasks?.map((task) => task.node)).toEqual(['devswarm1']);
    expect(byBranch.get(b)?.services[0]?.tasks?.map((task) => task.node)).toEqual(['devswarm2']);

    // The container backend on the manager's engine has no such previews.
    const local = await devenv(project!.dir, ['preview', 'ls', '--json'], env);
    expect((JSON.parse(local.stdout) as PreviewLs[]).map((p) => p.branch)).not.toContain(a);
    // Nor does its gc take a swarm preview for one whose stack is gone (its record says swarm).
    const localGc = await devenv(project!.dir, ['gc', '--dry-run', '--json'], env);
    expect(localGc.exitCode, localGc.stderr).toBe(0);
    const localVerdicts = (JSON.parse(localGc.stdout) as { stacks: { stack: string }[] }).stacks;
    expect(localVerdicts.map((s) => s.stack)).not.toContain(stacks.get(a));

    const rmA = await devenv(project!.dir, ['preview', 'rm', a, '--engine', 'swarm'], env);
    expect(rmA.exitCode, rmA.stdout + rmA.stderr).toBe(0);
    expect(await leftOnNodes(stacks.get(a)!)).toEqual([]);
    // The other preview's route is kept, and the proxy with it.
    expect(await answerOf(urlB)).toEqual({ status: 200, body: `page of ${b}` });
    expect((await answerOf(urlA, 404)).status).toBe(404);
    expect(await proxyOnManager()).toContainEqual(`service devenv-proxy-${port}`);

    // gc on the swarm removes the other preview once its TTL has run out, and the proxy with it.
    const again = await devenv(
      project!.dir,
      ['preview', 'up', b, '--engine', 'swarm', '--ttl', '1s', '--json'],
      env,
    );
    expect(again.exitCode, again.stdout + again.stderr).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const gc = await devenv(project!.dir, ['gc', '--engine', 'swarm', '--json'], env);
    expect(gc.exitCode, gc.stdout + gc.stderr).toBe(0);
    const collected = (JSON.parse(gc.stdout) as { stacks: { stack: string; reason: string }[] }).stacks;
    expect(collected.find((s) => s.stack === stacks.get(b))?.reason).toMatch(/TTL/);
    expect(await leftOnNodes(stacks.get(b)!)).toEqual([]);
    expect(await proxyOnManager()).toEqual([]);
    const after = await devenv(project!.dir, ['preview', 'ls', '--engine', 'swarm', '--json'], env);
    expect(JSON.parse(after.stdout)).toEqual([]);
  });
});
