/** Facts about this machine and process that the stack identity and gc need. */
import { hostname, userInfo } from 'node:os';
import type { HostInfo } from '../../contracts/host.js';

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function hostInfo(env: Record<string, string | undefined>): HostInfo {
  let user = env['DEVENV_USER'] ?? env['USER'] ?? env['USERNAME'];
  if (!user) {
    try {
      user = userInfo().username;
    } catch {
      user = 'user';
    }
  }
  return { user, hostname: hostname(), pid: process.pid, isProcessAlive };
}
