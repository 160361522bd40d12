/**
 * Runs devenv again as a detached process that outlives this one (no
 * terminal, no pipes held: the caller's output ends when the caller does):
 * the background half of `devenv db snapshot save|restore`.
 */
import { spawn } from 'node:child_process';

export function spawnDetachedDevenv(
  cliPath: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): number | undefined {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    detached: true,
    stdio: 'ignore',
    env: options.env,
  });
  child.on('error', () => undefined);
  child.unref();
  return child.pid;
}
