/**
 * Port planning: by default every port is published on 127.0.0.1 with a host
 * port that is free (devenv picks it on a local engine, the engine on a remote
 * one), so two stacks never collide; fixed host ports only
 * when the user asks for them.
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
 * hostIp: for a local engine the bound address itself when it is a specific
 * one (`--host-ip ::1` binds [::1] only), else the engine's published host.
 */
export function reachableHost(publishedHost: string, hostIp: string): string {
  if (!hostPortsArePinnable(publishedHost) || WILDCARDS.has(hostIp)) return publishedHost;
  return hostIp.replace(/^\[(.*)\]$/, '$1');
}

/** A host as it goes before `:port` or into a URL: IPv6 addresses in brackets. */
export function hostInAddress(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
