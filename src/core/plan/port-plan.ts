/**
 * Port planning: by default every port is published on 127.0.0.1 (on a remote
 * engine: the engine's own address, see defaultHostIp) with a host port that is
 * free (devenv picks it on a local engine, the engine on a remote one), so two
 * stacks never collide; fixed host ports only when the user asks for them.
 */
import type { PortBinding, PublishedPort } from '../../contracts/engine.js';
import type { PortSpec } from '../compose/model.js';

export interface PortPolicy {
  /** Host IP to publish on unless the template names a specific non-wildcard one. */
  hostIp: string;
  /** Keep the template's host ports (`--fixed-ports`). */
  fixedPorts: boolean;
}

export const DEFAULT_PORT_POLICY: PortPolicy = { hostIp: '127.0.0.1', fixedPorts: false };

export interface PlannedPort {
  binding: PortBinding;
  /** Why the binding differs from the template, for a notice. */
  note?: string;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/** 0.0.0.0, :: or empty: every interface. */
export function isWildcardHostIp(hostIp: string): boolean {
  return WILDCARDS.has(hostIp);
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/;

/** "10.0.0.5", "fd00::5", "[fd00::5]": an address, not a host name. */
export function isIpLiteral(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return IPV4.test(bare) || IPV6.test(bare);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The host IP ports are published on when neither --host-ip nor the template names one. */
export interface DefaultHostIp {
  hostIp: string;
  /** Why it is not loopback, for the user: the choice opens ports beyond one machine. */
  notice?: { level: 'info' | 'warning'; message: string };
}

/**
 * Where ports go by default, from the address this machine reaches the engine's
 * published ports at (EngineInfo.publishedHost, the engine's own host):
 * - a local engine: 127.0.0.1, so nothing outside this machine reaches the stack;
 * - a remote engine named by an IP address (tcp://10.0.0.5:2376, ssh://me@10.0.0.5):
 *   that address, the interface this machine already reaches the engine's API on.
 *   The remote machine's 127.0.0.1 would be out of reach from here, and its other
 *   interfaces (a public one, say) stay closed;
 * - a remote engine named by a host name (ssh://me@devbox): devenv cannot tell which
 *   of that machine's addresses the name reaches (nor whether it is the remote's own
 *   rather than a NAT's), so every interface, as docker compose publishes, with a
 *   warning that says how to narrow it.
 */
export function defaultHostIp(publishedHost: string): DefaultHostIp {
  if (hostPortsArePinnable(publishedHost)) return { hostIp: DEFAULT_PORT_POLICY.hostIp };
  const host = publishedHost.replace(/^\[(.*)\]$/, '$1');
  if (isIpLiteral(host))
    return {
      hostIp: host,
      notice: {
        level: 'info',
        message: `ports are published on ${host}, the remote engine's address (its 127.0.0.1 is out of reach from here); --host-ip picks another`,
      },
    };
  return {
    hostIp: '0.0.0.0',
    notice: {
      level: 'warning',
      message: `ports are published on every interface of ${host} (0.0.0.0): the engine is named by host name, so devenv cannot tell which of its addresses to use; --host-ip IP (one of ${host}'s) narrows it`,
    },
  };
}

export function planPort(port: PortSpec, policy: PortPolicy): PlannedPort {
  const notes: string[] = [];
  let hostIp = policy.hostIp;
  if (port.hostIp !== undefined && !WILDCARDS.has(port.hostIp)) hostIp = port.hostIp;
  else if (port.hostIp !== undefined && WILDCARDS.has(port.hostIp) && !WILDCARDS.has(policy.hostIp)) {
    notes.push(`published on ${policy.hostIp} instead of ${port.hostIp || 'all interfaces'}`);
  }
  let hostPort: string | undefined;
  if (port.published !== undefined && port.published !== '') {
    if (policy.fixedPorts) hostPort = port.published;
    else
      notes.push(
        `host port ${port.published} replaced by a free port (use --fixed-ports to keep ${port.published})`,
      );
  }
  const binding: PortBinding = { containerPort: port.target, protocol: port.protocol, hostIp };
  if (hostPort !== undefined) binding.hostPort = hostPort;
  return notes.length > 0 ? { binding, note: notes.join('; ') } : { binding };
}

/**
 * Whether devenv chooses automatic host ports itself: only when ports are
 * published on this machine (a local engine), where it can see which are
 * free. A port the engine chooses is chosen again at every start, so a
 * restarted service would move; a port devenv chose stays for the container's life.
 */
export function hostPortsArePinnable(publishedHost: string): boolean {
  return publishedHost === '127.0.0.1' || publishedHost === '::1' || publishedHost === 'localhost';
}

export interface PortToPin {
  /** Index in the request's port bindings. */
  index: number;
  binding: PortBinding;
  /** The host port the service's previous container had for this binding: kept across a recreate. */
  previous?: number;
}

/** The bindings without a fixed host port (devenv picks one on a local engine), each with its previous host port if any. */
export function portsToPin(
  bindings: readonly PortBinding[],
  previous: readonly PublishedPort[],
): PortToPin[] {
  const pins: PortToPin[] = [];
  bindings.forEach((binding, index) => {
    if (binding.hostPort !== undefined && binding.hostPort !== '') return;
    const before = previous.find(
      (port) =>
        port.containerPort === binding.containerPort &&
        port.protocol === binding.protocol &&
        port.hostIp === binding.hostIp,
    );
    pins.push(before ? { index, binding, previous: before.hostPort } : { index, binding });
  });
  return pins;
}

/**
 * The address this machine reaches a port at that the engine published on
 * hostIp: the bound address itself when it is a specific one (`--host-ip ::1`
 * binds [::1] only; a remote engine's ports on its address 10.0.0.5), else the
 * engine's published host. A remote engine's loopback is out of reach from here
 * whatever is said: its published host is the best guess.
 */
export function reachableHost(publishedHost: string, hostIp: string): string {
  if (WILDCARDS.has(hostIp)) return publishedHost;
  const bound = hostIp.replace(/^\[(.*)\]$/, '$1');
  if (!hostPortsArePinnable(publishedHost) && isLoopback(bound)) return publishedHost;
  return bound;
}

/** A host as it goes before `:port` or into a URL: IPv6 addresses in brackets. */
export function hostInAddress(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
