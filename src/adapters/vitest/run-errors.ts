/**
 * vitest's errors outside tests -> devenv's run errors. A pool worker that
 * died (out of memory, a signal, a closed IPC channel) comes back from
 * `runTestSpecifications` as an unhandled "[vitest-pool]: Worker ... emitted
 * error" with no file: the files it was running are those sent to a worker
 * that never ended, and why it died is in what it printed last (V8's "FATAL
 * ERROR: ... JavaScript heap out of memory"), which reaches vitest's logger.
 */
import type { TestRunError } from '../../core/testing/test-model.js';

/** The last lines vitest and its workers printed: a bounded ring, enough to find why a worker died. */
export class RecentLines {
  private readonly lines: string[] = [];
  /** Lines dropped from the front of the ring, so marks stay valid as it turns. */
  private dropped = 0;

  constructor(private readonly limit = 200) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.limit) {
      const drop = this.lines.length - this.limit;
      this.lines.splice(0, drop);
      this.dropped += drop;
    }
  }

  /** A position to read from later with `since`. */
  mark(): number {
    return this.dropped + this.lines.length;
  }

  /** The lines pushed since `mark()` returned `from` (those still in the ring). */
  since(from: number): string[] {
    return this.lines.slice(Math.max(0, from - this.dropped));
  }
}

// Native stack frames ("  3: 0xee85e7 v8::...") and GC traces say nothing a user can act on.
const NOISE = /^\s*(\d+: 0x[0-9a-f]+|\[\d+:0x[0-9a-f]+\]|<--- |----- )/i;
const TELLING = /FATAL ERROR|out of memory|ERR_[A-Z_]+|Error\b|Killed|SIG[A-Z]+|exited|terminated/;

/** The most telling of a worker's last lines: the last that names an error, else the last line. */
export function lastMessageOf(lines: readonly string[]): string | undefined {
  const meaningful = lines.map((line) => line.trim()).filter((line) => line !== '' && !NOISE.test(line));
  return meaningful.findLast((line) => TELLING.test(line)) ?? meaningful.at(-1);
}

interface VitestError {
  message?: string;
  code?: string;
  name?: string;
  cause?: unknown;
  VITEST_TEST_PATH?: string;
}

function messageOf(error: unknown): string {
  const value = error as VitestError | undefined;
  return String(value?.message ?? value ?? 'unknown error').split('\n')[0] ?? '';
}

/** vitest's pool lost a worker: the error names no file. */
function isWorkerLoss(error: VitestError): boolean {
  return (
    /\[vitest-pool\]: (Worker .* emitted error|Timeout|Failed to start)/.test(error.message ?? '') ||
    error.code === 'ERR_IPC_CHANNEL_CLOSED'
  );
}

/**
 * A dead worker is seen either by its exit ("Worker exited unexpectedly") or, when devenv's
 * pool writes to it first, by the broken pipe: the same death, said the same way.
 */
function lossCause(message: string): string {
  return /\bEPIPE\b|ERR_IPC_CHANNEL_CLOSED|channel closed/i.test(message)
    ? `Worker exited unexpectedly (${message})`
    : message;
}

/**
 * The run's errors outside tests. `inFlight` are files sent to a worker that
 * never ended (a dead worker's); `relative` maps vitest's absolute paths.
 */
export function runErrorsOf(
  unhandled: readonly unknown[],
  inFlight: readonly string[],
  printed: readonly string[],
  relative: (file: string) => string,
): TestRunError[] {
  const errors: TestRunError[] = [];
  const losses = unhandled.filter((error) => isWorkerLoss(error as VitestError)) as VitestError[];
  if (losses.length > 0) {
    const causes = [...new Set(losses.map((error) => lossCause(messageOf(error.cause ?? error))))];
    const last = lastMessageOf(printed);
    errors.push({
      kind: 'crash',
      message: [
        `a test worker died${causes.length > 0 ? ` (${causes.join('; ')})` : ''}`,
        ...(last === undefined ? [] : [`last message: ${last}`]),
      ].join('; '),
      files: [...inFlight],
    });
  }
  for (const error of unhandled as VitestError[]) {
    if (isWorkerLoss(error)) continue;
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    errors.push({
      kind: 'unhandled',
      message: `${name}${messageOf(error)}`,
      files: error.VITEST_TEST_PATH === undefined ? [] : [relative(error.VITEST_TEST_PATH)],
    });
  }
  return errors;
}
