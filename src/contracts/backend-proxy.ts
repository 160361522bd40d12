/**
 * The preview proxy as a backend runs it itself (contracts/stack-backend.ts, `proxy`):
 * the Swarm backend runs it as a service on the cluster. A backend without one leaves
 * the proxy to app/proxy.ts, which runs it as a container on the engine (ctx.engine()).
 *
 * The use-case (app/proxy.ts) decides what the proxy routes (core/proxy/routes.ts, from
 * the routed instances' labels) and hands the backend the rendered Caddyfile and the
 * networks to be on; the backend places it, publishes its port and says where it is reached.
 */
import type { ContainerStatus, ResourceSummary } from './engine.js';

/** What the proxy on one port should be. */
export interface ProxyWanted {
  port: number;
  image: string;
  /** The whole Caddy configuration (core/proxy/routes.ts renderCaddyfile). */
  caddyfile: string;
  /**
   * The networks (by name) of the stacks it routes: it reaches their services there by name.
   * A backend whose routed services join a network of the proxy's own instead (Swarm:
   * adapters/swarm-stack/proxy-network.ts) does not use them.
   */
  networks: string[];
  /** devenv's version (the proxy's version label, as on the container proxy). */
  version: string;
}

export interface ProxyApplied {
  /** The proxy's name (the service's, on Swarm). */
  name: string;
  /** Where it is reached from this machine (host:port). */
  address: string;
  /** created: new; updated: its routes were reloaded or it was replaced; kept: as it was. */
  change: 'created' | 'updated' | 'kept';
}

export interface BackendProxy {
  /** The instances (labelled with `dev.devenv.proxy=<port>`) and networks of the stacks routed to this port. */
  routed(port: number): Promise<{ instances: ContainerStatus[]; networks: ResourceSummary[] }>;
  /** The proxies the backend runs (by devenv's proxy-server label): their ports and names. */
  proxies(): Promise<{ port: number; name: string }[]>;
  /** Creates or updates the proxy to `wanted` and returns once it runs it (not yet that it answers). */
  apply(wanted: ProxyWanted): Promise<ProxyApplied>;
  /** Removes the proxy on this port; the name of what was removed, undefined when there was none. */
  remove(port: number): Promise<string | undefined>;
  /** Where the proxy on this port is (or would be) reached from this machine (host:port). */
  address(port: number): Promise<string>;
}
