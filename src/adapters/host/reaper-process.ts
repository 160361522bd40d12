/**
 * Starts devenv's reaper for an ephemeral detached stack: a small detached
 * process (in the spirit of Testcontainers' Ryuk) that removes the stack when
 * its owner process ends. `devenv gc` covers the case where the reaper died too.
 * `starterPid`: the `up` starting the stack; the reaper starts before that
 * creates anything, so it waits for the stack to appear until the starter ends.
 */
import { spawn } from 'node:child_process';

export function spawnReaper(
  cliPath: string,
  stack: string,
  ownerPid: number,
  env: NodeJS.ProcessEnv,
  starterPid?: number,
): number | undefined {
  const args = ['__reap', '--stack', stack, '--pid', String(ownerPid)];
  if (starterPid !== undefined) args.push('--starter', String(starterPid));
  const child = spawn(process.execPath, [cliPath, ...args], {
    detached: true,
    stdio: 'ignore',
    env,
  });
  child.unref();
  return child.pid;
}
