/**
 * Starts devenv's reaper for an ephemeral detached stack: a small detached
 * process (in the spirit of Testcontainers' Ryuk) that removes the stack when
 * its owner process ends. `devenv gc` covers the case where the reaper died too.
 */
import { spawn } from 'node:child_process';

export function spawnReaper(
  cliPath: string,
  stack: string,
  ownerPid: number,
  env: NodeJS.ProcessEnv,
): number | undefined {
  const child = spawn(process.execPath, [cliPath, '__reap', '--stack', stack, '--pid', String(ownerPid)], {
    detached: true,
    stdio: 'ignore',
    env,
  });
  child.unref();
  return child.pid;
}
