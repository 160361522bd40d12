/**
 * The preview proxy: one Caddy container per engine and host port
 * (`devenv-proxy-<port>`, labelled `dev.devenv.proxy-server=<port>`), on the
 * networks of the stacks it routes, publishing 127.0.0.1:<port> (a remote
 * engine: its own address). Its configuration is rendered from the labels of
 * the running stacks (core/proxy/routes.ts) and reloaded whenever a routed
 * stack comes or goes; with the last routed stack gone, the proxy goes too.
 * Changes to one proxy run under its lock, so two devenv processes never write
 * its configuration from different views of the engine.
 *
 * A backend that runs the proxy itself (`backend.proxy`, contracts/backend-proxy.ts: the
 * Swarm backend's service on the cluster) gets the same routes and Caddyfile from here
 * and places it; everything below that names containers is the container proxy's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendProxy } from '../contracts/backend-proxy.js';
import type { ContainerEngine, ContainerStatus, EngineInfo } from '../contracts/engine.js';
import { DevenvError } from '../core/errors.js';
import { defaultHostIp } from '../core/plan/port-plan.js';
import { CADDYFILE_ENV, reloadCommand } from '../core/proxy/reload-command.js';
import {
  DEFAULT_PROXY_PORT,
  PROXY_CONFIG_PATH,
  PROXY_CONTAINER_PORT,
  proxyContainerName,
  proxyRoutes,
  renderCaddyfile,
  routeUrl,
  type ProxyRoute,
  type RoutedService,
} from '../core/proxy/routes.js';
import { containerFacts, stackFacts } from '../core/stack/label-facts.js';
import { Labels, stackSelector } from '../core/stack/labels.js';
import type { AppContext } from './context.js';
import { withStackLock } from './stack-lock.js';

/** The image the proxy runs: DEVENV_PROXY_IMAGE, else the official Caddy 2. */
export function proxyImage(env: Record<string, string | undefined>): string {
  return env['DEVENV_PROXY_IMAGE'] || 'caddy:2';
}

/** The host port the proxy publishes: DEVENV_PROXY_PORT, else 8780. */
export function proxyPort(env: Record<string, string | undefined>): number {
  const raw = env['DEVENV_PROXY_PORT'];
  if (raw === undefined || raw === '') return DEFAULT_PROXY_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new DevenvError('USAGE', `DEVENV_PROXY_PORT=${raw} is not a port number.`, {
      hint: 'Set it to a free TCP port (1-65535), or unset it for 8780.',
    });
  return port;
}

export interface RouteUrl {
  stack: string;
  service: string;
  host: string;
  url: string;
}

export interface ProxyState {
  port: number;
  /** Where the proxy is reached (host:port): 127.0.0.1 on a local engine, a remote engine's own address. */
  address: string;
  /** The proxy container's name, when one runs. */
  container?: string;
  routes: RouteUrl[];
}

function lockName(port: number): string {
  return proxyContainerName(port);
}

/** The routes of the containers a proxy routes (those labelled with its port and an HTTP port). */
export function routedServices(containers: readonly ContainerStatus[]): RoutedService[] {
  return containers.flatMap((container) => {
    const facts = containerFacts(container);
    if (facts.httpPort === undefined || facts.stack === '') return [];
    return [
      {
        stack: facts.stack,
        project: facts.project,
        branch: facts.branch,
        owner: facts.owner,
        environment: facts.environment,
        preview: facts.preview !== undefined,
        service: facts.service,
        container: container.name,
        port: facts.httpPort,
      },
    ];
  });
}

function urls(routes: readonly ProxyRoute[], port: number): RouteUrl[] {
  return routes.map((route) => ({
    stack: route.stack,
    service: route.service,
    host: route.host,
    url: routeUrl(route.host, port),
  }));
}

/** The URLs of one stack's services, as the proxy on `port` routes them now (from labels alone). */
export async function stackUrls(engine: ContainerEngine, stack: string): Promise<RouteUrl[]> {
  const own = await engine.listContainers(stackSelector(stack));
  const port = own.map((c) => containerFacts(c).proxyPort).find((p) => p !== undefined);
  if (port === undefined) return [];
  const routed = await engine.listContainers({ [Labels.proxy]: String(port) });
  return urls(proxyRoutes(routedServices(routed)), port).filter((route) => route.stack === stack);
}

/** The URLs of one stack's services, from the backend's proxy when it runs one, else the engine's containers. */
export async function routedUrls(ctx: AppContext, stack: string, proxyPort?: number): Promise<RouteUrl[]> {
  const backend = await ctx.backend();
  if (backend.proxy === undefined) return stackUrls((await ctx.engine()).engine, stack);
  if (proxyPort === undefined) return [];
  const { instances } = await backend.proxy.routed(proxyPort);
  return urls(proxyRoutes(routedServices(instances)), proxyPort).filter((route) => route.stack === stack);
}

/** Brings the proxy on `port` in line with the stacks routed to it (see the file's comment). */
export async function syncProxy(ctx: AppContext, port: number): Promise<ProxyState> {
  return withStackLock(ctx, lockName(port), () => syncLocked(ctx, port));
}

async function syncLocked(ctx: AppContext, port: number, leaving?: string): Promise<ProxyState> {
  const backend = await ctx.backend();
  if (backend.proxy !== undefined) return syncBackendProxy(ctx, backend.proxy, port, leaving);
  const { engine, info } = await ctx.engine();
  const [routed, proxies, networks] = await Promise.all([
    engine.listContainers({ [Labels.proxy]: String(port) }),
    engine.listContainers({ [Labels.proxyServer]: String(port) }),
    engine.listNetworks({ [Labels.proxy]: String(port) }),
  ]);
  const name = proxyContainerName(port);
  const address = `${defaultHostIp(info.publishedHost).hostIp}:${port}`;
  if (routed.length === 0) {
    for (const proxy of proxies) {
      await engine.removeContainer(proxy.id, { force: true, volumes: true });
      ctx.emit({ type: 'proxy.removed', port, container: proxy.name, reason: 'no stack uses it' });
    }
    return { port, address, routes: [] };
  }
  const routes = proxyRoutes(routedServices(routed));
  const caddyfile = renderCaddyfile(routes);
  let proxy: ContainerStatus | undefined = proxies.find((p) => p.state === 'running') ?? proxies[0];
  let created = false;
  if (proxy === undefined || proxy.state !== 'running') {
    if (proxy !== undefined) await engine.removeContainer(proxy.id, { force: true, volumes: true });
    proxy = await createProxy(ctx, engine, info, port, caddyfile, networks[0]?.name);
    created = true;
    await waitUntilAnswering(ctx, answeringHost(info), port);
  }
  const attached = new Set(proxy.networkIds ?? []);
  const wanted = new Set(networks.map((network) => network.id));
  for (const network of networks)
    if (!attached.has(network.id)) await engine.connectNetwork(network.id, proxy.id);
  // Networks of stacks it no longer routes (devenv's only: the proxy is on no other).
  for (const id of attached) {
    if (wanted.has(id)) continue;
    const stackNetworks = await engine.listNetworks({ [Labels.stack]: true });
    if (stackNetworks.some((network) => network.id === id)) await engine.disconnectNetwork(id, proxy.id);
  }
  if (!created) await reload(engine, proxy, caddyfile);
  const state = { port, address, container: name, routes: urls(routes, port) };
  ctx.emit({ type: 'proxy.synced', port, container: name, routes: state.routes });
  return state;
}

/**
 * The backend's own proxy (Swarm) brought in line: routes from the routed instances' labels
 * (without `leaving`, a stack about to be removed: its networks must be let go first).
 */
async function syncBackendProxy(
  ctx: AppContext,
  proxy: BackendProxy,
  port: number,
  leaving: string | undefined,
): Promise<ProxyState> {
  const [routed, address] = await Promise.all([proxy.routed(port), proxy.address(port)]);
  const instances = routed.instances.filter((instance) => containerFacts(instance).stack !== leaving);
  if (instances.length === 0) {
    const removed = await proxy.remove(port);
    if (removed !== undefined)
      ctx.emit({ type: 'proxy.removed', port, container: removed, reason: 'no stack uses it' });
    return { port, address, routes: [] };
  }
  const routes = proxyRoutes(routedServices(instances));
  const networks = routed.networks
    .filter((network) => stackFacts(network.labels).stack !== leaving)
    .map((network) => network.name);
  const applied = await proxy.apply({
    port,
    image: proxyImage(ctx.env),
    caddyfile: renderCaddyfile(routes),
    networks: [...new Set(networks)].sort(),
    version: ctx.version,
  });
  if (applied.change !== 'kept')
    await waitUntilAnswering(ctx, address.slice(0, address.lastIndexOf(':')), port);
  const state = { port, address, container: applied.name, routes: urls(routes, port) };
  ctx.emit({ type: 'proxy.synced', port, container: applied.name, routes: state.routes });
  return state;
}

async function createProxy(
  ctx: AppContext,
  engine: ContainerEngine,
  info: EngineInfo,
  port: number,
  caddyfile: string,
  firstNetwork: string | undefined,
): Promise<ContainerStatus> {
  const image = proxyImage(ctx.env);
  if ((await engine.inspectImage(image)) === undefined) {
    try {
      await engine.pullImage(image, () => undefined, ctx.signal);
    } catch (error) {
      throw new DevenvError(
        'PROXY_FAILED',
        `The proxy image ${image} is not on the engine and could not be pulled.`,
        {
          hint: 'Pull it (`docker pull caddy:2`), or set DEVENV_PROXY_IMAGE to a Caddy 2 image the engine has.',
          cause: error,
        },
      );
    }
  }
  const name = proxyContainerName(port);
  const hostIp = defaultHostIp(info.publishedHost).hostIp;
  let id: string;
  try {
    id = await engine.createContainer({
      name,
      image,
      env: {},
      labels: { [Labels.proxyServer]: String(port), [Labels.version]: ctx.version },
      ports: [{ containerPort: PROXY_CONTAINER_PORT, protocol: 'tcp', hostIp, hostPort: String(port) }],
      expose: [],
      mounts: [],
      files: [{ path: PROXY_CONFIG_PATH, content: caddyfile, mode: 0o644 }],
      networks: firstNetwork === undefined ? [] : [{ network: firstNetwork, aliases: [] }],
      init: false,
      stopTimeoutSeconds: 2,
      restartPolicy: 'unless-stopped',
      tty: false,
      openStdin: false,
      extraHosts: [],
    });
  } catch (error) {
    // Another process created it between our look and now: use theirs.
    const existing = (await engine.listContainers({ [Labels.proxyServer]: String(port) }))[0];
    if (existing !== undefined) return existing;
    throw error;
  }
  try {
    await engine.startContainer(id);
  } catch (error) {
    await engine.removeContainer(id, { force: true, volumes: true }).catch(() => undefined);
    const detail = error instanceof Error ? error.message : String(error);
    throw new DevenvError(
      'PROXY_FAILED',
      `The preview proxy could not start on ${hostIp}:${port}: ${detail}`,
      {
        hint: 'Free the port, or choose another with DEVENV_PROXY_PORT=PORT (every devenv command of these stacks must use the same one).',
        cause: error,
      },
    );
  }
  const status = await engine.inspectContainer(id);
  if (status === undefined)
    throw new DevenvError('PROXY_FAILED', `The proxy container ${name} vanished after it started.`);
  return status;
}

/** How long a new proxy may take to listen before its URLs are handed out with a warning. */
const PROXY_READY_MS = 15_000;

/**
 * A started container is not yet a listening Caddy: the URLs are printed (and a CI job posts
 * them) only once the proxy answers where they point, from this machine; else a warning.
 */
async function waitUntilAnswering(ctx: AppContext, host: string, port: number): Promise<void> {
  const deadline = ctx.clock.now() + PROXY_READY_MS;
  while (!ctx.signal.aborted) {
    if (await ctx.probes.tcp(host, port)) return;
    if (ctx.clock.now() >= deadline) break;
    await sleep(100, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  ctx.emit({
    type: 'warning',
    warning: {
      message: `The preview proxy at ${host}:${port} does not answer from this machine yet: its URLs may not open until it does.`,
    },
  });
}

/** Where this machine reaches the container proxy: its bound address, or the engine's for a wildcard. */
function answeringHost(info: EngineInfo): string {
  const bound = defaultHostIp(info.publishedHost).hostIp;
  return bound === '0.0.0.0' || bound === '::' ? info.publishedHost : bound;
}

/** Has the proxy load the new Caddyfile when it differs (core/proxy/reload-command.ts; over exec: works on any engine). */
async function reload(engine: ContainerEngine, proxy: ContainerStatus, caddyfile: string): Promise<void> {
  const result = await engine.exec(proxy.id, reloadCommand(PROXY_CONFIG_PATH), {
    env: { [CADDYFILE_ENV]: caddyfile },
  });
  if (result.exitCode !== 0)
    throw new DevenvError('PROXY_FAILED', `The preview proxy ${proxy.name} refused its new configuration.`, {
      hint: 'See its log (`docker logs ' + proxy.name + '`); `devenv gc` removes it when no stack uses it.',
      details: result.output.trim().split('\n').slice(-10),
    });
}

/**
 * Before a stack's networks are removed: the proxies attached to them let go (under each
 * proxy's lock, held while `remove` runs), and afterwards each is synced again (removed
 * when that was its last stack).
 */
export async function withProxiesDetached<T>(
  ctx: AppContext,
  stack: string,
  remove: () => Promise<T>,
): Promise<T> {
  const backend = await ctx.backend();
  if (backend.proxy !== undefined) return withBackendProxyDetached(ctx, backend.proxy, stack, remove);
  const { engine } = await ctx.engine();
  const proxies = await engine.listContainers({ [Labels.proxyServer]: true });
  if (proxies.length === 0) return remove();
  const [networks, containers] = await Promise.all([
    engine.listNetworks(stackSelector(stack)),
    engine.listContainers(stackSelector(stack)),
  ]);
  const networkIds = new Set(networks.map((network) => network.id));
  const routedBy = new Set(containers.map((c) => containerFacts(c).proxyPort));
  const involved = proxies.filter((proxy) => {
    const port = Number(proxy.labels[Labels.proxyServer]);
    return routedBy.has(port) || (proxy.networkIds ?? []).some((id) => networkIds.has(id));
  });
  const ports = [...new Set(involved.map((p) => Number(p.labels[Labels.proxyServer])))]
    .filter((port) => Number.isInteger(port))
    .sort((a, b) => a - b);
  const run = async (index: number): Promise<T> => {
    const port = ports[index];
    if (port === undefined) {
      for (const proxy of involved)
        for (const id of proxy.networkIds ?? [])
          if (networkIds.has(id)) await engine.disconnectNetwork(id, proxy.id);
      return remove();
    }
    return withStackLock(ctx, lockName(port), async () => {
      const result = await run(index + 1);
      await syncLocked(ctx, port);
      return result;
    });
  };
  return run(0);
}

/** The backend's proxies (Swarm) that route the stack or are on its networks, by port. */
async function portsRouting(proxy: BackendProxy, stack: string): Promise<number[]> {
  const ports: number[] = [];
  for (const { port } of await proxy.proxies()) {
    const { instances, networks } = await proxy.routed(port);
    const involved =
      instances.some((instance) => containerFacts(instance).stack === stack) ||
      networks.some((network) => stackFacts(network.labels).stack === stack);
    if (involved) ports.push(port);
  }
  return [...new Set(ports)].sort((a, b) => a - b);
}

/**
 * withProxiesDetached for a backend's own proxy: under each involved proxy's lock, it is
 * synced without the stack (off its networks, or removed with its last stack), the stack is
 * removed, and the proxy is synced again.
 */
async function withBackendProxyDetached<T>(
  ctx: AppContext,
  proxy: BackendProxy,
  stack: string,
  remove: () => Promise<T>,
): Promise<T> {
  const ports = await portsRouting(proxy, stack);
  const run = async (index: number): Promise<T> => {
    const port = ports[index];
    if (port === undefined) return remove();
    return withStackLock(ctx, lockName(port), async () => {
      await syncLocked(ctx, port, stack);
      const result = await run(index + 1);
      await syncLocked(ctx, port);
      return result;
    });
  };
  return run(0);
}

/**
 * What `gc --dry-run` says of proxies: those that no stack would route to once the
 * stacks in `going` are gone (the real gc removes them by syncing, after the stacks).
 */
export async function reportUnusedProxies(
  ctx: AppContext,
  engine: ContainerEngine,
  going: ReadonlySet<string>,
): Promise<void> {
  const backend = await ctx.backend();
  if (backend.proxy !== undefined) {
    for (const { port, name } of await backend.proxy.proxies()) {
      const { instances } = await backend.proxy.routed(port);
      const left = instances.map((i) => containerFacts(i).stack).filter((stack) => !going.has(stack));
      if (left.length === 0)
        ctx.emit({
          type: 'info',
          message: `would remove the preview proxy ${name} (port ${port}): ${instances.length === 0 ? 'no stack uses it' : 'its last stacks go'}`,
        });
    }
    return;
  }
  const proxies = await engine.listContainers({ [Labels.proxyServer]: true });
  for (const proxy of proxies) {
    const port = proxy.labels[Labels.proxyServer] ?? '';
    const routed = await engine.listContainers({ [Labels.proxy]: port });
    const left = new Set(routed.map((c) => containerFacts(c).stack).filter((stack) => !going.has(stack)));
    if (left.size === 0)
      ctx.emit({
        type: 'info',
        message: `would remove the preview proxy ${proxy.name} (port ${port}): ${routed.length === 0 ? 'no stack uses it' : 'its last stacks go'}`,
      });
  }
}

/** Every proxy on the engine synced (gc): those no stack uses are removed. */
export async function syncAllProxies(ctx: AppContext, engine: ContainerEngine): Promise<void> {
  const backend = await ctx.backend();
  if (backend.proxy !== undefined) {
    for (const { port } of await backend.proxy.proxies()) await syncProxy(ctx, port);
    return;
  }
  const proxies = await engine.listContainers({ [Labels.proxyServer]: true });
  const ports = new Set(proxies.map((p) => Number(p.labels[Labels.proxyServer])));
  for (const port of ports) if (Number.isInteger(port)) await syncProxy(ctx, port);
}
