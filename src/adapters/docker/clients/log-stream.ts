/**
 * Reading a Docker logs endpoint (a container's or a Swarm service's) as lines:
 * the query from LogOptions, the request always as a stream (dockerode would
 * buffer and JSON-parse non-follow logs), stdout and stderr told apart (the
 * multiplexed format unless the container has a TTY), optional timestamps split
 * off, and the end: the stream's own, or the signal's.
 */
import type { Readable } from 'node:stream';
import type { LogLine, LogOptions } from '../../../contracts/engine.js';
import { OutputLines } from '../output-stream.js';
import { isAbort, type ClientContext } from './client-context.js';

export interface LogEndpoint {
  /** "/containers/ID/logs?" or "/services/ID/logs?". */
  path: string;
  /** What failed, for errors: "read logs of container ID". */
  what: string;
  statusCodes: Record<number, true | string>;
  /** Whether stdout and stderr are multiplexed (false for a container with a TTY). */
  multiplexed: boolean;
}

export async function readLogStream(
  context: ClientContext,
  endpoint: LogEndpoint,
  options: LogOptions,
  onLine: (line: LogLine) => void,
): Promise<void> {
  const { signal } = options;
  const query: Record<string, unknown> = {
    follow: options.follow,
    stdout: true,
    stderr: true,
    timestamps: options.timestamps ?? false,
    tail: options.tail === undefined ? 'all' : String(options.tail),
  };
  if (options.since !== undefined) query.since = options.since;

  let stream: Readable;
  try {
    stream = await new Promise<Readable>((resolve, reject) => {
      context.modem.dial(
        {
          path: endpoint.path,
          method: 'GET',
          isStream: true,
          abortSignal: signal,
          statusCodes: endpoint.statusCodes,
          options: query,
        },
        (error, data) => (error ? reject(error) : resolve(data as Readable)),
      );
    });
  } catch (error) {
    if (isAbort(error, signal)) return;
    throw context.fail(error, endpoint.what);
  }

  const lines = new OutputLines(endpoint.multiplexed, (streamName, text) => {
    const line: LogLine = { stream: streamName, text };
    if (options.timestamps) {
      const space = text.indexOf(' ');
      if (space > 0 && /^\d{4}-\d\d-\d\dT/.test(text)) {
        line.time = text.slice(0, space);
        line.text = text.slice(space + 1);
      }
    }
    onLine(line);
  });
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      lines.end();
      if (error !== undefined && !isAbort(error, signal)) reject(context.fail(error, endpoint.what));
      else resolve();
    };
    const onAbort = (): void => {
      stream.destroy();
      finish();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => lines.push(chunk));
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', (error) => finish(error));
  });
}
