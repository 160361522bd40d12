/**
 * The preview proxy's own overlay network on a swarm (`devenv-proxy-<port>`, labelled
 * `dev.devenv.proxy-server=<port>` as the proxy service is): every routed service joins it
 * when it is created or updated (service-spec.ts), and the proxy is on it alone. A preview
 * coming or going therefore never changes the proxy's networks, so its task is never
 * replaced for a route: routes change by a Caddy reload in the running task (swarm-proxy.ts).
 * This is the pattern of a shared "proxy" network that reverse proxies on Swarm use.
 */
import type { SwarmEngine } from '../../contracts/swarm-engine.js';
import { proxyContainerName } from '../../core/proxy/routes.js';
import { Labels } from '../../core/stack/labels.js';

/** The network of the proxy on `port` (the proxy service's own name: networks have their own names). */
export function proxyNetworkName(port: number): string {
  return proxyContainerName(port);
}

/** The port of the proxy that routes a service with these labels (a proxy port and an HTTP port), else none. */
export function routedProxyPort(labels: Readonly<Record<string, string>>): number | undefined {
  const port = Number(labels[Labels.proxy]);
  if (!Number.isInteger(port) || port <= 0 || labels[Labels.httpPort] === undefined) return undefined;
  return port;
}

/**
 * The proxy network on `port`, created when absent. The swarm keeps network names unique,
 * so of two processes creating it at once one fails and finds the other's.
 */
export async function ensureProxyNetwork(swarm: SwarmEngine, port: number, version: string): Promise<void> {
  const name = proxyNetworkName(port);
  const selector = { [Labels.proxyServer]: String(port) };
  const exists = async () => (await swarm.listNetworks(selector)).some((network) => network.name === name);
  if (await exists()) return;
  try {
    await swarm.createNetwork(
      name,
      { [Labels.proxyServer]: String(port), [Labels.version]: version },
      {
        internal: false,
      },
    );
  } catch (error) {
    if (!(await exists())) throw error;
  }
}
