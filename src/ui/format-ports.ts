import type { PublishedPort } from '../contracts/engine.js';

/** "127.0.0.1:49153->5432/tcp" */
export function formatPorts(ports: readonly PublishedPort[]): string {
  return ports
    .map((p) => `${p.hostIp}:${p.hostPort}->${p.containerPort}${p.protocol === 'udp' ? '/udp' : ''}`)
    .join(', ');
}
