/**
 * How a container's last run ended, in words a person acts on: the exit code,
 * what a signal exit means, and the kernel's out-of-memory kill with the
 * limit that caused it. Said by `service.restarted`, `service.failed` and `ls`.
 */

export interface RunEnd {
  exitCode?: number;
  /** The kernel killed it for want of memory (the engine's OOMKilled). */
  oomKilled?: boolean;
  /** The container's memory limit, when the template set one. */
  memoryLimitBytes?: number;
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM',
};

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

/** "exited with code 3", "killed by SIGKILL (exit 137)", "killed for want of memory (OOMKilled, limit 64 MiB; exit 137)". */
export function describeRunEnd(end: RunEnd): string {
  const code = end.exitCode;
  const exit = code === undefined ? '' : `exit ${code}`;
  if (end.oomKilled === true) {
    const detail = [
      'OOMKilled',
      end.memoryLimitBytes === undefined ? 'no memory limit set' : `limit ${mebibytes(end.memoryLimitBytes)}`,
    ].join(', ');
    return `killed for want of memory (${detail}${exit ? `; ${exit}` : ''})`;
  }
  if (code === undefined) return 'ended (exit code unknown)';
  const signal = code > 128 ? SIGNALS[code - 128] : undefined;
  if (signal !== undefined) return `killed by ${signal} (${exit})`;
  return `exited with code ${code}`;
}
