/**
 * A command run in a running container with its stdin and stdout as streams
 * (a database dump out, a restore in), over the engine's hijacked exec
 * connection: stdin is written to it as the source gives it and half-closed
 * at its end; stdout frames go to the destination at the pace it takes them
 * (the connection is paused meanwhile, so the engine holds the process back);
 * stderr keeps its last bytes for the error message. Memory stays bounded
 * whatever the size of the data.
 *
 * Cancelling: the engine does not end an exec's process when its connection
 * closes (Docker 20.10 lets `pg_dump` run to its end), so the command runs
 * under a small sh wrapper that writes its pid to a file in /tmp; an abort
 * execs `kill` on that pid (TERM, KILL 2 s later) before closing the
 * connection. A container without /bin/sh runs the command as it is, and an
 * abort only closes the connection.
 */
import { execCreateOptions } from './exec-create-options.js';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { StreamExecOptions, StreamExecResult } from '../../../contracts/engine.js';
import { DevenvError } from '../../../core/errors.js';
import { FrameDemuxer } from '../output-stream.js';
import type { ClientContext } from './client-context.js';

const DEFAULT_STDERR_LIMIT = 64 * 1024;

/**
 * Runs "$@" in the background with its pid in file $1 and exits with its status. An asynchronous
 * command's stdin is /dev/null before its own redirections, so stdin is kept on fd 3 first.
 */
const WRAPPER =
  'f=$1; shift; exec 3<&0; "$@" <&3 3<&- & p=$!; exec 3<&-; echo "$p" >"$f" 2>/dev/null; wait "$p"; s=$?; rm -f "$f"; exit "$s"';

/** TERM to the pid in $1 (waiting a moment for the wrapper to write it), KILL when it is still there 2 s later. */
const KILLER = [
  'f=$1',
  'for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$f" ] && break; sleep 0.1; done',
  'p=$(cat "$f" 2>/dev/null) || exit 0',
  'kill -TERM "$p" 2>/dev/null',
  'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done',
  'kill -KILL "$p" 2>/dev/null',
  'rm -f "$f"',
].join('; ');

/** The last `limit` bytes of a stream. */
class Tail {
  private bytes: Buffer = Buffer.alloc(0);
  truncated = false;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    const joined = this.bytes.length === 0 ? chunk : Buffer.concat([this.bytes, chunk]);
    if (joined.length > this.limit) this.truncated = true;
    this.bytes =
      joined.length > this.limit ? Buffer.from(joined.subarray(joined.length - this.limit)) : joined;
  }

  text(): string {
    return this.bytes.toString('utf8');
  }
}

interface ExecHandle {
  inspect(): Promise<{ Running: boolean; ExitCode: number | null }>;
}

export class ExecStreamClient {
  constructor(
    private readonly context: ClientContext,
    private readonly hasShell: (id: string) => Promise<boolean>,
  ) {}

  async execStream(id: string, command: string[], options: StreamExecOptions): Promise<StreamExecResult> {
    const action = `run \`${command.join(' ')}\` in container ${id}`;
    const { signal } = options;
    if (signal?.aborted) throw interrupted(command);
    const pidFile = (await this.hasShell(id))
      ? `/tmp/devenv-exec-${randomBytes(6).toString('hex')}.pid`
      : undefined;
    const cmd = pidFile === undefined ? command : ['sh', '-c', WRAPPER, 'devenv-exec', pidFile, ...command];
    let exec: ExecHandle & { start(options: object): Promise<unknown> };
    let socket: Duplex;
    try {
      exec = await this.context.docker.getContainer(id).exec(execCreateOptions(cmd, options, true));
      socket = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    } catch (error) {
      throw this.context.fail(error, action);
    }
    const kill = async () => {
      if (pidFile === undefined) return;
      await this.context.docker
        .getContainer(id)
        .exec({ Cmd: ['sh', '-c', KILLER, 'devenv-kill', pidFile], AttachStdout: true, AttachStderr: true })
        .then(async (killer) => {
          const stream = (await killer.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream;
          stream.resume();
          await new Promise<void>((resolve) => {
            stream.on('end', resolve);
            stream.on('close', resolve);
            stream.on('error', () => resolve());
          });
        })
        .catch(() => undefined);
    };
    const transfer = await this.transfer(socket, options, kill);
    if (transfer.failure !== undefined) {
      throw transfer.failure === 'aborted' ? interrupted(command) : transfer.failure;
    }
    try {
      const exitCode = await exitCodeOf(exec);
      if (exitCode === undefined) {
        // The connection dropped while the command runs: it must not go on unseen.
        await kill();
        throw new Error(
          transfer.connectionLost
            ? 'the connection to the engine was lost while the command was running'
            : 'the command did not report an exit code',
        );
      }
      return {
        exitCode,
        stderr: transfer.stderr.text(),
        stderrTruncated: transfer.stderr.truncated,
        stdoutBytes: transfer.stdoutBytes,
        stdinBytes: transfer.stdinBytes,
      };
    } catch (error) {
      throw this.context.fail(error, action);
    }
  }

  /** Moves the bytes until the output ends, the signal aborts, or a stream fails (the command is then ended). */
  private transfer(
    socket: Duplex,
    options: StreamExecOptions,
    kill: () => Promise<void>,
  ): Promise<{
    failure?: unknown;
    connectionLost: boolean;
    stderr: Tail;
    stdoutBytes: number;
    stdinBytes: number;
  }> {
    const { stdin, stdout, signal } = options;
    const stderr = new Tail(options.stderrLimit ?? DEFAULT_STDERR_LIMIT);
    let stdoutBytes = 0;
    let stdinBytes = 0;
    return new Promise((resolve) => {
      let settled = false;
      let waitingForDrain = false;
      const onDrain = () => {
        waitingForDrain = false;
        socket.resume();
      };
      const demuxer = new FrameDemuxer((stream, payload) => {
        if (stream === 'stderr') {
          stderr.push(payload);
          return;
        }
        stdoutBytes += payload.length;
        if (!stdout.write(payload) && !waitingForDrain) {
          waitingForDrain = true;
          socket.pause();
          stdout.once('drain', onDrain);
        }
      });
      const stopStdin = () => {
        if (!stdin) return;
        stdin.removeListener('data', onStdinData);
        stdin.removeListener('end', onStdinEnd);
        stdin.removeListener('error', onStdinError);
        stdin.pause();
      };
      /** Set once stop() began: the connection's own end or error no longer settles the transfer. */
      let stopping = false;
      const finish = (outcome: { failure?: unknown; connectionLost?: boolean }, fromStop = false) => {
        if (settled || (stopping && !fromStop)) return;
        settled = true;
        stopStdin();
        signal?.removeEventListener('abort', onAbort);
        stdout.removeListener('error', onStdoutError);
        stdout.removeListener('drain', onDrain);
        socket.removeListener('data', onData);
        resolve({
          ...outcome,
          connectionLost: outcome.connectionLost ?? false,
          stderr,
          stdoutBytes,
          stdinBytes,
        });
      };
      /** The command must not go on: end it, then close the connection. */
      const stop = (failure: unknown) => {
        if (settled || stopping) return;
        stopping = true;
        stopStdin();
        // A destination draining meanwhile must not resume the connection.
        stdout.removeListener('drain', onDrain);
        socket.pause();
        void kill().finally(() => {
          socket.destroy();
          finish({ failure }, true);
        });
      };
      const onData = (chunk: Buffer) => demuxer.push(chunk);
      const onAbort = () => stop('aborted');
      const onStdoutError = (error: unknown) => stop(error);
      const onStdinError = (error: unknown) => stop(error);
      const onStdinData = (chunk: Buffer | string) => {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        stdinBytes += bytes.length;
        if (!socket.write(bytes)) {
          stdin?.pause();
          socket.once('drain', () => {
            if (!settled) stdin?.resume();
          });
        }
      };
      const onStdinEnd = () => socket.end();

      socket.on('data', onData);
      // Writing stdin to a connection the engine closed (the command exited first) is not a failure.
      socket.on('error', () => finish({ connectionLost: true }));
      socket.on('end', () => finish({}));
      socket.on('close', () => finish({}));
      stdout.on('error', onStdoutError);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (stdin) {
        stdin.on('data', onStdinData);
        stdin.on('end', onStdinEnd);
        stdin.on('error', onStdinError);
        stdin.resume();
      } else socket.end();
    });
  }
}

function interrupted(command: string[]): DevenvError {
  return new DevenvError('INTERRUPTED', `Interrupted: \`${command.join(' ')}\` was ended.`);
}

/** The stream can end a moment before the engine records the exit code; undefined: still running 2 s later. */
async function exitCodeOf(exec: ExecHandle): Promise<number | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const state = await exec.inspect();
    if (!state.Running && state.ExitCode !== null) return state.ExitCode;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}
