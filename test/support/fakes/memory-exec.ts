/**
 * The in-memory engine's streaming exec: a command is a program a test
 * registers by name (`cat` is there from the start), given stdin as an async
 * iterable and a write() that waits while the destination is full, as the
 * real connection does. What the contract asks of the real engine holds here
 * too: stderr's last bytes kept, stdin left unread when the program ends
 * first, an abort or a failing stream rejecting (INTERRUPTED for an abort).
 */
import type { StreamExecOptions, StreamExecResult } from '../../../src/contracts/engine.js';
import { DevenvError } from '../../../src/core/errors.js';

export interface ExecProgramIO {
  command: string[];
  /** The container's name. */
  container: string;
  stdin: AsyncIterable<Buffer>;
  /** Resolves when the destination took it (or has room again). */
  write(chunk: Buffer | string): Promise<void>;
  writeError(chunk: Buffer | string): void;
  signal: AbortSignal;
}

/** What a command does: its exit code. */
export type ExecProgram = (io: ExecProgramIO) => Promise<number>;

export const catProgram: ExecProgram = async (io) => {
  for await (const chunk of io.stdin) await io.write(chunk);
  return 0;
};

const DEFAULT_STDERR_LIMIT = 64 * 1024;

export async function runProgram(
  program: ExecProgram | undefined,
  command: string[],
  container: string,
  options: StreamExecOptions,
): Promise<StreamExecResult> {
  const controller = new AbortController();
  const limit = options.stderrLimit ?? DEFAULT_STDERR_LIMIT;
  let stderr: Buffer = Buffer.alloc(0);
  let stderrTruncated = false;
  let stdoutBytes = 0;
  let stdinBytes = 0;
  let failure: { error: unknown } | undefined;
  let rejectFailed: (error: unknown) => void = () => undefined;
  /** Rejects at the first failure: a program waiting for stdin that never comes does not hold the exec. */
  const failed = new Promise<never>((_resolve, reject) => (rejectFailed = reject));
  failed.catch(() => undefined);
  const fail = (error: unknown) => {
    if (failure) return;
    failure = { error };
    controller.abort();
    rejectFailed(error);
  };
  const onAbort = () =>
    fail(new DevenvError('INTERRUPTED', `Interrupted: \`${command.join(' ')}\` was ended.`));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const onStdoutError = (error: unknown) => fail(error);
  options.stdout.on('error', onStdoutError);
  const source = options.stdin as AsyncIterable<Buffer | string> | undefined;
  async function* stdin(): AsyncIterable<Buffer> {
    if (!source) return;
    try {
      for await (const chunk of source) {
        if (controller.signal.aborted) return;
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        stdinBytes += bytes.length;
        yield bytes;
      }
    } catch (error) {
      fail(error);
    }
  }
  const io: ExecProgramIO = {
    command,
    container,
    stdin: stdin(),
    signal: controller.signal,
    async write(chunk) {
      if (controller.signal.aborted) return;
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      stdoutBytes += bytes.length;
      if (!options.stdout.write(bytes))
        await new Promise<void>((resolve) => {
          options.stdout.once('drain', resolve);
          controller.signal.addEventListener('abort', () => resolve(), { once: true });
        });
    },
    writeError(chunk) {
      stderr = Buffer.concat([stderr, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
      if (stderr.length > limit) {
        stderrTruncated = true;
        stderr = stderr.subarray(stderr.length - limit);
      }
    },
  };
  if (options.signal?.aborted) onAbort();
  try {
    // Yield first: the engine's exec is a round trip.
    await new Promise((resolve) => setImmediate(resolve));
    let exitCode: number;
    if (!program) {
      io.writeError(`sh: 1: ${command[0] ?? ''}: not found\n`);
      exitCode = 127;
    } else {
      const ran = program(io);
      ran.catch(() => undefined);
      exitCode = await Promise.race([ran, failed]);
    }
    if (failure) throw failure.error;
    return { exitCode, stderr: stderr.toString('utf8'), stderrTruncated, stdoutBytes, stdinBytes };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    options.stdout.removeListener('error', onStdoutError);
  }
}
