/**
 * Automatic host ports chosen by devenv instead of the engine (local engines
 * only), so a service keeps its ports when it restarts, and when `up`
 * recreates it (its previous ports are reused while free): `devenv env` and
 * the app's connection settings stay valid for the stack's life.
 */
import type { ContainerRequest, PublishedPort } from '../contracts/engine.js';
import { portsToPin } from '../core/plan/port-plan.js';
import type { HostPorts } from '../contracts/host-ports.js';

export interface PinnedRequest {
  request: ContainerRequest;
  /** Host ports devenv chose (none: the request is unchanged). */
  chosen: number[];
}

export async function pinHostPorts(
  request: ContainerRequest,
  previous: readonly PublishedPort[],
  ports: HostPorts,
  /** Ports that failed to bind in an earlier attempt. */
  avoid: ReadonlySet<number> = new Set(),
): Promise<PinnedRequest> {
  const pins = portsToPin(request.ports, previous);
  if (pins.length === 0) return { request, chosen: [] };
  const bindings = [...request.ports];
  const chosen: number[] = [];
  for (const pin of pins) {
    const { hostIp, protocol } = pin.binding;
    let port =
      pin.previous !== undefined &&
      !avoid.has(pin.previous) &&
      !chosen.includes(pin.previous) &&
      (await ports.isFree(hostIp, pin.previous, protocol))
        ? pin.previous
        : undefined;
    for (let tries = 0; port === undefined && tries < 20; tries++) {
      const candidate = await ports.pick(hostIp, protocol);
      if (!avoid.has(candidate) && !chosen.includes(candidate)) port = candidate;
    }
    if (port === undefined) return { request, chosen: [] }; // leave it to the engine
    chosen.push(port);
    bindings[pin.index] = { ...pin.binding, hostPort: String(port) };
  }
  return { request: { ...request, ports: bindings }, chosen };
}
