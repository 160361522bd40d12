/** Readiness by TCP: something accepts a connection on host:port. */
import { exchange } from './socket-exchange.js';

export function tcpProbe(host: string, port: number, signal?: AbortSignal): Promise<boolean> {
  return exchange(host, port, undefined, () => true, signal);
}
