/**
 * Port planning: by default every port is published on 127.0.0.1 with a host
 * port the engine chooses, so two stacks never collide; fixed host ports only
 * when the user asks for them.
 */
import type { PortBinding } from '../../contracts/engine.js';
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
    else notes.push(`host port ${port.published} left to the engine (use --fixed-ports to keep it)`);
  }
  const binding: PortBinding = { containerPort: port.target, protocol: port.protocol, hostIp };
  if (hostPort !== undefined) binding.hostPort = hostPort;
  return notes.length > 0 ? { binding, note: notes.join('; ') } : { binding };
}
