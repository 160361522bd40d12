/** A command run in a running container: its exit code and its output (stdout and stderr, interleaved). */
import { execCreateOptions } from './exec-create-options.js';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ExecOptions, ExecResult } from '../../../contracts/engine.js';
import { DevenvError } from '../../../core/errors.js';
import { FrameDemuxer } from '../output-stream.js';
import type { ClientContext } from './client-context.js';

export class ExecClient {
  constructor(private readonly context: ClientContext) {}

  async exec(id: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const action = `run \`${command.join(' ')}\` in container ${id}`;
    try {
      const exec = await this.context.docker
        .getContainer(id)
        .exec(execCreateOptions(command, options, false));
      const stream = (await exec.start({ hijack: true, stdin: false })) as Readable;
      const decoder = new StringDecoder('utf8');
      let output = '';
      const demuxer = new FrameDemuxer((_stream, payload) => {
        output += decoder.write(payload);
      });
      const { signal } = options;
      await new Promise<void>((resolve, reject) => {
        // Given up on (a hung healthcheck): the connection closes, so nothing waits on the command.
        const abort = () => {
          stream.destroy();
          reject(new DevenvError('INTERRUPTED', `Stopped waiting for ${action}.`));
        };
        if (signal?.aborted) return abort();
        signal?.addEventListener('abort', abort, { once: true });
        const done = () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        };
        stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
        stream.on('end', done);
        stream.on('close', done);
        stream.on('error', reject);
      });
      output += decoder.end();
      // The stream can end a moment before the engine records the exit code.
      for (let attempt = 0; ; attempt++) {
        const state = await exec.inspect();
        if (!state.Running && state.ExitCode !== null) return { exitCode: state.ExitCode, output };
        if (attempt >= 100) throw new Error(`the command did not report an exit code`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } catch (error) {
      throw this.context.fail(error, action);
    }
  }
}
