/** A container's logs as lines (stdout and stderr told apart), followed until the signal aborts. */
import type { LogLine, LogOptions } from '../../../contracts/engine.js';
import type { ClientContext } from './client-context.js';
import { readLogStream } from './log-stream.js';

export class LogClient {
  constructor(private readonly context: ClientContext) {}

  async logs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void> {
    if (options.signal?.aborted) return;
    const what = `read logs of container ${id}`;
    let tty: boolean;
    try {
      tty = (await this.context.docker.getContainer(id).inspect()).Config.Tty;
    } catch (error) {
      throw this.context.fail(error, what);
    }
    await readLogStream(
      this.context,
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        what,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
        multiplexed: !tty,
      },
      options,
      onLine,
    );
  }
}
