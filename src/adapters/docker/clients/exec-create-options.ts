/** The Engine API's exec create body for a command, with devenv's ExecOptions (user, directory, environment). */
import type { ExecOptions } from '../../../contracts/engine.js';

export function execCreateOptions(
  command: string[],
  options: ExecOptions,
  stdin: boolean,
): Record<string, unknown> & { Cmd: string[] } {
  return {
    Cmd: command,
    ...(stdin ? { AttachStdin: true } : {}),
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    ...(options.user === undefined ? {} : { User: options.user }),
    ...(options.workingDir === undefined ? {} : { WorkingDir: options.workingDir }),
    ...(options.env === undefined
      ? {}
      : { Env: Object.entries(options.env).map(([key, value]) => `${key}=${value}`) }),
  };
}
