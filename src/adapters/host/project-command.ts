/**
 * A shell command of the project's (devenv.yaml's database.migrate and
 * seed) run on the host in its own process group, so cancelling ends the
 * whole command (`npm run migrate` -> node -> ...), not just the shell. A
 * failure becomes a CommandFailedError with the command's last output lines.
 */
import { execa, type ResultPromise } from 'execa';
import { CommandFailedError } from '../../core/errors.js';
import type { CommandRunner, ProjectCommand } from '../../contracts/command-runner.js';

/** SIGTERM to the command's process group, SIGKILL if it is still there a moment later. */
function killTree(subprocess: ResultPromise): void {
  const { pid } = subprocess;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (pid !== undefined && process.platform !== 'win32') process.kill(-pid, signal);
      else subprocess.kill(signal);
    } catch {
      // Already gone.
    }
  };
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), 2000).unref();
}

function outputTail(text: string, lines = 20): string[] {
  return text.trimEnd().split('\n').slice(-lines);
}

/**
 * Runs the command to its end: 'done' when it succeeded, 'aborted' when the
 * signal was (or got) aborted; throws CommandFailedError when it failed.
 */
export const runProjectCommand: CommandRunner = async (run: ProjectCommand): Promise<'done' | 'aborted'> => {
  if (run.signal.aborted) return 'aborted';
  const subprocess = execa(run.command, {
    shell: true,
    cwd: run.cwd,
    env: run.env,
    extendEnv: false,
    all: true,
    reject: false,
    stdin: 'ignore',
    detached: process.platform !== 'win32',
  });
  const stop = () => killTree(subprocess);
  run.signal.addEventListener('abort', stop, { once: true });
  let result;
  try {
    result = await subprocess;
  } finally {
    run.signal.removeEventListener('abort', stop);
  }
  if (run.signal.aborted) return 'aborted';
  if (result.exitCode !== 0 || result.failed)
    throw new CommandFailedError(
      {
        label: run.label,
        command: run.command,
        exitCode: result.exitCode,
        outputTail: outputTail(String(result.all ?? '')),
      },
      { hint: run.hint },
    );
  return 'done';
};
