/**
 * The secrets file of an environment (`secrets.<env>.env` beside devenv.yaml)
 * and what devenv says when git tracks it, would track it, or others can read it.
 */
import { DevenvError } from '../errors.js';

/** The one .gitignore line that keeps every environment's secrets file out of git. */
export const SECRETS_FILE_IGNORE_LINE = 'secrets.*.env';

export function secretsFileName(environment: string): string {
  return `secrets.${environment}.env`;
}

/** How git sees a file: in the index, ignored, neither (a `git add .` takes it), or no repository around. */
export type GitFileStatus = 'tracked' | 'ignored' | 'not-ignored' | 'no-repository';

/**
 * SECRET_FILE_TRACKED for a secrets file git tracks or would track; undefined
 * when git ignores it (or there is no repository). `file` as the user names it
 * (relative to the project directory), `projectDir` where to run the fix.
 */
export function trackedSecretsFileError(
  file: string,
  status: GitFileStatus,
  projectDir: string,
): DevenvError | undefined {
  if (status === 'ignored' || status === 'no-repository') return undefined;
  if (status === 'tracked')
    return new DevenvError(
      'SECRET_FILE_TRACKED',
      `${file} is tracked by git, so its secrets are in the repository; devenv does not read it.`,
      {
        hint: `In ${projectDir}: run \`git rm --cached ${file}\`, add the line \`${SECRETS_FILE_IGNORE_LINE}\` to .gitignore, commit, and rotate the secrets it held (they stay in the history).`,
      },
    );
  return new DevenvError(
    'SECRET_FILE_TRACKED',
    `${file} is not ignored by git: \`git add\` would commit its secrets; devenv does not read it.`,
    { hint: `Add the line \`${SECRETS_FILE_IGNORE_LINE}\` to .gitignore in ${projectDir}.` },
  );
}

/** The warning for a secrets file readable by group or others (mode bits), or undefined. */
export function secretsFileModeWarning(
  file: string,
  mode: number,
): { message: string; hint: string } | undefined {
  if ((mode & 0o077) === 0) return undefined;
  const octal = (mode & 0o777).toString(8).padStart(3, '0');
  return {
    message: `${file} is readable by ${mode & 0o070 ? 'its group' : ''}${mode & 0o070 && mode & 0o007 ? ' and ' : ''}${mode & 0o007 ? 'others' : ''} (mode ${octal}).`,
    hint: `Run \`chmod 600 ${file}\`.`,
  };
}
