/**
 * A shell command of the project's (devenv.yaml's database.migrate and seed)
 * run on the host (implemented with execa in adapters/host/project-command):
 * cancelling ends its whole process group; a failure is a CommandFailedError
 * with the command's last output lines.
 */
export interface ProjectCommand {
  /** What the command is, for messages: "The test database's migrate command". */
  label: string;
  command: string;
  cwd: string;
  /** The whole environment (the shell's is not added). */
  env: Record<string, string | undefined>;
  /** Aborting ends the command's process group. */
  signal: AbortSignal;
  /** The next step for the user when it fails. */
  hint: string;
}

/** 'done' when the command succeeded, 'aborted' when the signal was aborted; throws when it failed. */
export type CommandRunner = (run: ProjectCommand) => Promise<'done' | 'aborted'>;
