/** When a process started, to tell a reused pid from the process that first had it. */
import { readFileSync } from 'node:fs';

/** The start time of process `pid` in clock ticks since boot (Linux /proc), or undefined where unknown. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, starttime 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that recorded (pid, start) on `host` still runs; another host's: assumed so. */
export function recordedProcessAlive(
  recorded: { pid: number; host: string; start?: string },
  self: { host: string; isProcessAlive(pid: number): boolean },
): boolean {
  if (recorded.host !== self.host) return true;
  if (!self.isProcessAlive(recorded.pid)) return false;
  const start = recorded.start === undefined ? undefined : processStartTime(recorded.pid);
  return start === undefined || start === recorded.start;
}
