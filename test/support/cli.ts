/** Runs the real CLI (bin/devenv) as a user would, in a given project directory. */
import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const devenvBin = `${repoRoot}bin/devenv`;

/** The stand-in images built by test/support/prepare-engine.sh, via the templates' interpolation. */
export const standInImages = {
  POSTGRES_IMAGE: 'devenv-test/postgres:15',
  REDIS_IMAGE: 'devenv-test/redis:7',
  NODE_IMAGE: 'devenv-test/node:20',
};

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { ...standInImages, NO_COLOR: '1', CI: 'true', ...extra };
}

export async function devenv(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const result = await execa(process.execPath, [devenvBin, ...args], {
    cwd,
    env: cliEnv(env),
    reject: false,
    timeout: 170_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

export function spawnDevenv(cwd: string, args: string[], env: Record<string, string> = {}): ResultPromise {
  return execa(process.execPath, [devenvBin, ...args], {
    cwd,
    env: cliEnv(env),
    reject: false,
    buffer: true,
  });
}
