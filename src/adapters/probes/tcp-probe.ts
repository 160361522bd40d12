/** Readiness by TCP: a server accepts a connection on host:port and keeps it open (see SETTLE_MS). */
import { exchange } from './socket-exchange.js';

export function tcpProbe(host: string, port: number, signal?: AbortSignal): Promise<boolean> {
  return exchange(host, port, undefined, () => true, signal);
}
