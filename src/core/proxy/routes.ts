/**
 * The preview proxy's routing, pure: which host name reaches which service
 * (`http://<service>.<branch>.<project>.localhost:<port>`), and the Caddyfile
 * the proxy container (Caddy 2) is configured with. `*.localhost` resolves to
 * loopback in browsers and curl without any DNS set-up, so a stack's address
 * depends on its names only, never on which host ports were free.
 */
import type { ReadinessCheck } from '../plan/readiness.js';
import { shortHash } from '../stack/identity.js';

/** The host port the proxy publishes when DEVENV_PROXY_PORT does not name one. */
export const DEFAULT_PROXY_PORT = 8780;

/** The port the proxy listens on inside its container. */
export const PROXY_CONTAINER_PORT = 80;

/** The proxy's Caddyfile inside its container (the official caddy image's place). */
export const PROXY_CONFIG_PATH = '/etc/caddy/Caddyfile';

/** The proxy container of a host port: one per engine and port. */
export function proxyContainerName(port: number): string {
  return `devenv-proxy-${port}`;
}

/** What a routed service's container says about itself (from its labels). */
export interface RoutedService {
  stack: string;
  project: string;
  branch: string;
  owner: string;
  environment: string;
  preview: boolean;
  service: string;
  /** The container's name: what the proxy reaches it by on a shared network. */
  container: string;
  /** The container port HTTP is served on. */
  port: number;
}

export interface ProxyRoute {
  host: string;
  stack: string;
  service: string;
  /** container:port */
  upstream: string;
}

/** A DNS label: lowercase letters, digits and "-", no "-" at either end, bounded. */
export function dnsLabel(value: string, max = 40): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');
  return cleaned || 'x';
}

/**
 * `<service>.<branch>.<project>.localhost` for a preview; a developer's own stack
 * has its owner too (`<service>.<branch>.<owner>.<project>.localhost`), so the
 * preview of a branch and a developer's stack of it never share a name; an
 * environment other than dev is named after the branch.
 */
export function routeHost(service: Omit<RoutedService, 'container' | 'port' | 'stack'>): string {
  return [
    dnsLabel(service.service),
    dnsLabel(service.branch),
    ...(service.environment === 'dev' ? [] : [dnsLabel(service.environment)]),
    ...(service.preview ? [] : [dnsLabel(service.owner)]),
    dnsLabel(service.project),
    'localhost',
  ].join('.');
}

/**
 * Routes for the services, ordered by host. Two services whose names read alike
 * once made DNS labels (`feature/x`, `feature-x`) keep apart: the later stack's
 * host gets a short hash of its stack name on the service label.
 */
export function proxyRoutes(services: readonly RoutedService[]): ProxyRoute[] {
  const ordered = [...services].sort(
    (a, b) => a.stack.localeCompare(b.stack) || a.service.localeCompare(b.service),
  );
  const taken = new Set<string>();
  const routes: ProxyRoute[] = [];
  for (const service of ordered) {
    let host = routeHost(service);
    if (taken.has(host)) {
      const [first, ...rest] = host.split('.');
      host = [`${first}-${shortHash(service.stack, 6)}`, ...rest].join('.');
    }
    taken.add(host);
    routes.push({
      host,
      stack: service.stack,
      service: service.service,
      upstream: `${service.container}:${service.port}`,
    });
  }
  return routes.sort((a, b) => a.host.localeCompare(b.host));
}

/** The URL a route answers at, through the proxy published on `port`. */
export function routeUrl(host: string, port: number): string {
  return port === 80 ? `http://${host}/` : `http://${host}:${port}/`;
}

/**
 * The proxy's whole configuration: one site per route (Caddy matches the host
 * name and ignores the port of the Host header), a 404 naming the host for
 * anything else. No automatic HTTPS; devenv rewrites the
 * file from the engine's labels whenever stacks come and go.
 */
export function renderCaddyfile(routes: readonly ProxyRoute[]): string {
  const lines = [
    '# Written by devenv from the labels of the stacks it routes; rewritten as stacks come and go.',
    '{',
    '\tadmin localhost:2019',
    '\tauto_https off',
    '}',
    '',
  ];
  for (const route of routes) {
    lines.push(`# ${route.stack} ${route.service}`);
    lines.push(`http://${route.host} {`);
    lines.push(`\treverse_proxy ${route.upstream}`);
    lines.push('}', '');
  }
  lines.push(`:${PROXY_CONTAINER_PORT} {`);
  lines.push('\trespond "devenv: no stack answers at {host}" 404');
  lines.push('}', '');
  return lines.join('\n');
}

/** Container ports that are never HTTP (databases, caches, brokers): no route for them. */
const NOT_HTTP = new Set([5432, 6379, 3306, 27017, 5672, 9092, 11211, 1433, 9042]);

/**
 * The container port a service is routed to: its first published TCP port, unless it
 * is a database or cache (readiness says so, or the port is a well-known non-HTTP one).
 */
export function httpRoutePort(
  ports: readonly { containerPort: number; protocol: 'tcp' | 'udp' }[],
  check: ReadinessCheck,
): number | undefined {
  if (check.kind === 'postgres' || check.kind === 'redis' || check.kind === 'completed') return undefined;
  return ports.find((port) => port.protocol === 'tcp' && !NOT_HTTP.has(port.containerPort))?.containerPort;
}
