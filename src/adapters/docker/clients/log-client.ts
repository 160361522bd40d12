/** A container's logs as lines (stdout and stderr told apart), followed until the signal aborts. */
import type { Readable } from 'node:stream';
import type { LogLine, LogOptions } from '../../../contracts/engine.js';
import { OutputLines } from '../output-stream.js';
import { isAbort, type ClientContext } from './client-context.js';

export class LogClient {
  constructor(private readonly context: ClientContext) {}

  async logs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return;
    let tty: boolean;
    try {
      tty = (await this.context.docker.getContainer(id).inspect()).Config.Tty;
    } catch (error) {
      throw this.context.fail(error, `read logs of container ${id}`);
    }
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
        // Always a stream (dockerode would buffer and JSON-parse non-follow logs).
        this.context.modem.dial(
          {
            path: `/containers/${encodeURIComponent(id)}/logs?`,
            method: 'GET',
            isStream: true,
            abortSignal: signal,
            statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
            options: query,
          },
          (error, data) => (error ? reject(error) : resolve(data)),
        );
      });
    } catch (error) {
      if (isAbort(error, signal)) return;
      throw this.context.fail(error, `read logs of container ${id}`);
    }

    const lines = new OutputLines(!tty, (streamName, text) => {
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
        if (error !== undefined && !isAbort(error, signal))
          reject(this.context.fail(error, `read logs of container ${id}`));
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
}
