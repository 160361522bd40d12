/**
 * `from: command`: the secret's `command:` run by the shell in the project
 * directory, in its own process group, its stdout (trimmed) the value. A
 * command that fails, or runs longer than the timeout (its whole process
 * group is ended), is an error naming the secret and the command line; its
 * output is never shown (it may hold the secret). Empty output means the
 * command has no value here.
 */
import { execa } from 'execa';
import { DevenvError } from '../../core/errors.js';
import type { SecretSource } from '../../contracts/secret-source.js';

export const SECRET_COMMAND_TIMEOUT_MS = 10_000;

function killGroup(pid: number | undefined, kill: (signal: NodeJS.Signals) => void): void {
  const signal = (name: NodeJS.Signals) => {
    try {
      if (pid !== undefined && process.platform !== 'win32') process.kill(-pid, name);
      else kill(name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  setTimeout(() => signal('SIGKILL'), 1000).unref();
}

export function commandSecretSource(timeoutMs = SECRET_COMMAND_TIMEOUT_MS): SecretSource {
  return {
    async read(request, notes) {
      const command = request.command;
      if (command === undefined) return undefined;
      const subprocess = execa(command, {
        shell: true,
        cwd: request.projectDir,
        env: request.env,
        extendEnv: false,
        reject: false,
        stdin: 'ignore',
        stripFinalNewline: false,
        detached: process.platform !== 'win32',
      });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(subprocess.pid, (signal) => subprocess.kill(signal));
      }, timeoutMs);
      const result = await subprocess.finally(() => clearTimeout(timer));
      const value = String(result.stdout ?? '').trim();
      // Whatever it printed is masked from now on, even when it failed.
      notes.onSecretValues([value, ...value.split('\n').map((line) => line.trim())].filter((v) => v !== ''));
      const hint = `Run it yourself in ${request.projectDir} to see why (devenv does not show its output: it may hold the secret).`;
      if (timedOut)
        throw new DevenvError(
          'SECRET_COMMAND_FAILED',
          `The command for secret ${request.name} did not finish within ${timeoutMs / 1000}s: ${command}`,
          { hint },
        );
      if (result.exitCode !== 0 || result.failed)
        throw new DevenvError(
          'SECRET_COMMAND_FAILED',
          `The command for secret ${request.name} failed${result.exitCode === undefined ? '' : ` (exit ${result.exitCode})`}: ${command}`,
          { hint },
        );
      return value === '' ? undefined : value;
    },
  };
}
