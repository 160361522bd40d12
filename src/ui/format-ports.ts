import type { PublishedPort } from '../contracts/engine.js';
import { hostInAddress } from '../core/plan/port-plan.js';

/** "127.0.0.1:49153->5432", "[::1]:49153->6379", "0.0.0.0:5353->53/udp" */
export function formatPorts(ports: readonly PublishedPort[]): string {
  return ports
    .map(
      (p) =>
        `${hostInAddress(p.hostIp)}:${p.hostPort}->${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`,
    )
    .join(', ');
}
