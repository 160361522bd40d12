/**
 * Readiness by the Redis protocol: PING answered with +PONG. A -NOAUTH reply
 * means the server is up but wants a password: ready too. -LOADING (dataset
 * still loading) and anything else: not ready.
 */
import { exchange } from './socket-exchange.js';

const ping = Buffer.from('*1\r\n$4\r\nPING\r\n');

export function redisProbe(host: string, port: number, signal?: AbortSignal): Promise<boolean> {
  return exchange(
    host,
    port,
    ping,
    (received) => {
      const text = received.toString('latin1');
      if (!text.includes('\r\n')) return undefined;
      return text.startsWith('+PONG') || text.startsWith('-NOAUTH');
    },
    signal,
  );
}
