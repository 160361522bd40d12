/**
 * The stack's environment as seen from the host: the environment the app
 * services see, with every address of a service (`postgres:5432` in a URL,
 * `DB_HOST=postgres` + `DB_PORT=5432`) rewritten to its published loopback
 * address, plus <SERVICE>_HOST / <SERVICE>_PORT per published port. Host-side
 * tools and tests then use the same variable names as the app.
 */
import type { PublishedPort } from '../../contracts/engine.js';
import type { ComposeProject } from '../compose/model.js';
import { startLevels } from '../graph/dependency-graph.js';
import { hostInAddress } from '../plan/port-plan.js';

export interface HostEnvInput {
  project: ComposeProject;
  /** Address published ports are reachable at (127.0.0.1 for a local engine). */
  publishedHost: string;
  /** Published ports per service, as the engine reports them. */
  published: Record<string, PublishedPort[]>;
  /**
   * Where each service's ports are reached when not at publishedHost: a Swarm
   * service's host-mode ports are on the node running its task.
   */
  serviceHosts?: Record<string, string>;
  /** Variables devenv adds (DEVENV_STACK, ...). */
  extra: Record<string, string>;
}

const SCHEME_PORTS: Record<string, number> = {
  postgres: 5432,
  postgresql: 5432,
  redis: 6379,
  rediss: 6379,
  mysql: 3306,
  mongodb: 27017,
  amqp: 5672,
  http: 80,
  https: 443,
  nats: 4222,
};

export function envName(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function hostPortFor(ports: PublishedPort[] | undefined, containerPort: number): number | undefined {
  return ports?.find((port) => port.containerPort === containerPort && port.protocol === 'tcp')?.hostPort;
}

/** Where the host reaches a service's published ports. */
function serviceHost(input: Pick<HostEnvInput, 'publishedHost' | 'serviceHosts'>, service: string): string {
  return input.serviceHosts?.[service] ?? input.publishedHost;
}

/** Rewrites `service:port` and `scheme://service/` occurrences in one value. */
export function rewriteValue(
  value: string,
  input: Pick<HostEnvInput, 'publishedHost' | 'published' | 'serviceHosts'>,
): string {
  let result = value;
  for (const [service, ports] of Object.entries(input.published)) {
    const name = escapeRegExp(service);
    const host = hostInAddress(serviceHost(input, service));
    const before = '(^|[\\s/@=,;(])';
    const after = '(?=$|[\\s/?#,;)])';
    result = result.replace(
      new RegExp(`${before}${name}:(\\d+)${after}`, 'g'),
      (match, lead: string, port: string) => {
        const hostPort = hostPortFor(ports, Number(port));
        return hostPort === undefined ? match : `${lead}${host}:${hostPort}`;
      },
    );
    result = result.replace(
      new RegExp(`(^|\\s)([a-z][a-z0-9+.-]*)://([^/@\\s]*@)?${name}${after}`, 'g'),
      (match, lead: string, scheme: string, auth: string | undefined) => {
        const defaultPort = SCHEME_PORTS[scheme];
        const hostPort = defaultPort === undefined ? undefined : hostPortFor(ports, defaultPort);
        return hostPort === undefined ? match : `${lead}${scheme}://${auth ?? ''}${host}:${hostPort}`;
      },
    );
  }
  return result;
}

/** Services whose environment the host view is made of, dependencies first so apps win. */
function serviceOrder(project: ComposeProject): string[] {
  const graph = Object.fromEntries(
    Object.values(project.services).map((service) => [service.name, Object.keys(service.dependsOn)]),
  );
  return startLevels(graph).flat();
}

/**
 * The ports each running service is reached at from the host: as published,
 * except that a service on the host's network (network_mode: host) listens on
 * its own ports of the engine's host, and one sharing another service's network
 * (network_mode: service:NAME) is reached through NAME's published ports.
 */
export function reachablePorts(
  project: ComposeProject,
  publishedHost: string,
  published: Record<string, PublishedPort[]>,
): Record<string, PublishedPort[]> {
  const out = { ...published };
  for (const service of Object.values(project.services)) {
    if (!(service.name in published)) continue;
    if (service.networkMode === 'host') {
      const own = [
        ...service.ports.map((port) => ({ port: port.target, protocol: port.protocol })),
        ...service.expose.flatMap((entry) => {
          const match = /^(\d+)(?:\/(tcp|udp))?$/.exec(entry);
          return match ? [{ port: Number(match[1]), protocol: (match[2] ?? 'tcp') as 'tcp' | 'udp' }] : [];
        }),
      ];
      out[service.name] = own
        .filter(
          (entry, index) =>
            own.findIndex((o) => o.port === entry.port && o.protocol === entry.protocol) === index,
        )
        .map((entry) => ({
          containerPort: entry.port,
          protocol: entry.protocol,
          hostIp: publishedHost,
          hostPort: entry.port,
        }));
    } else if (service.networkMode?.startsWith('service:')) {
      out[service.name] = published[service.networkMode.slice('service:'.length)] ?? [];
    }
  }
  return out;
}

/** Each service's host, following network_mode as reachablePorts does (host: the engine's; service:NAME: NAME's). */
function reachableHosts(input: HostEnvInput): Record<string, string> {
  const hosts = { ...input.serviceHosts };
  for (const service of Object.values(input.project.services)) {
    if (service.networkMode === 'host') delete hosts[service.name];
    else if (service.networkMode?.startsWith('service:')) {
      const other = hosts[service.networkMode.slice('service:'.length)];
      if (other === undefined) delete hosts[service.name];
      else hosts[service.name] = other;
    }
  }
  return hosts;
}

export function hostEnvironment(hostInput: HostEnvInput): Record<string, string> {
  const input: HostEnvInput = {
    ...hostInput,
    published: reachablePorts(hostInput.project, hostInput.publishedHost, hostInput.published),
    serviceHosts: reachableHosts(hostInput),
  };
  const env: Record<string, string> = {};
  for (const name of serviceOrder(input.project)) {
    const service = input.project.services[name];
    if (!service) continue;
    for (const [key, value] of Object.entries(service.environment)) {
      if (value !== null) env[key] = rewriteValue(value, input);
    }
  }
  // KEY_HOST=service (+ KEY_PORT=containerPort) pairs
  for (const [key, value] of Object.entries(env)) {
    const match = /^(.*)_HOST$/.exec(key);
    if (!match || !(value in input.published)) continue;
    const ports = input.published[value];
    env[key] = serviceHost(input, value);
    const portKey = `${match[1]}_PORT`;
    const portValue = env[portKey];
    if (portValue !== undefined && /^\d+$/.test(portValue)) {
      const hostPort = hostPortFor(ports, Number(portValue));
      if (hostPort !== undefined) env[portKey] = String(hostPort);
    }
  }
  const generated: Record<string, string> = {};
  for (const [service, ports] of Object.entries(input.published).sort(([a], [b]) => a.localeCompare(b))) {
    const tcp = ports.filter((port) => port.protocol === 'tcp');
    const first = tcp[0];
    if (!first) continue;
    const prefix = envName(service);
    generated[`${prefix}_HOST`] = serviceHost(input, service);
    generated[`${prefix}_PORT`] = String(first.hostPort);
    for (const port of tcp) generated[`${prefix}_PORT_${port.containerPort}`] = String(port.hostPort);
  }
  return { ...generated, ...env, ...input.extra };
}
