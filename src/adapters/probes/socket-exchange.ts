/**
 * One short TCP conversation for a readiness probe: connect (short timeout),
 * send a request, read until the reply can be judged, then close. Any failure
 * (refused, reset, closed early, timeout, abort) means "not ready": false.
 */
import { Socket } from 'node:net';

/** A host-side readiness probe: true iff the service accepts real work on host:port now. */
export type ReadinessProbe = (host: string, port: number, signal?: AbortSignal) => Promise<boolean>;

export const CONNECT_TIMEOUT_MS = 250;
export const REPLY_TIMEOUT_MS = 1000;

/**
 * How long a connection must stay open, with nothing received, to count as
 * accepted. Docker's userland proxy accepts on the host port as soon as the
 * container starts and closes the connection only when the service behind it
 * refuses, so "connected" alone does not mean "a server is listening".
 */
export const SETTLE_MS = 100;

/**
 * `judge` sees all bytes received so far: it returns true/false to decide,
 * or undefined to wait for more. Without `request`, the answer is: the
 * connection is accepted and stays open for SETTLE_MS (or the server speaks first).
 */
export function exchange(
  host: string,
  port: number,
  request: Buffer | undefined,
  judge: (received: Buffer) => boolean | undefined,
  signal?: AbortSignal,
): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (ready: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(ready);
    };
    const onAbort = (): void => finish(false);
    let timer = setTimeout(() => finish(false), CONNECT_TIMEOUT_MS);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.setNoDelay(true);
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const verdict = judge(received);
      if (verdict !== undefined) finish(verdict);
    });
    socket.connect({ host, port }, () => {
      if (request === undefined) {
        clearTimeout(timer);
        timer = setTimeout(() => finish(true), SETTLE_MS);
        return;
      }
      clearTimeout(timer);
      timer = setTimeout(() => finish(false), REPLY_TIMEOUT_MS);
      socket.write(request);
    });
  });
}
