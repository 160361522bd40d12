/** Files changed against a git ref (working tree vs REF, untracked included), via git itself. */
import { execa } from 'execa';
import { DevenvError } from '../../core/errors.js';

/**
 * Project-relative POSIX paths of the files that differ between the working
 * tree of dir and ref (default HEAD): modified, staged, deleted, and untracked
 * files that .gitignore does not ignore. Limited to dir and below.
 */
export async function changedFilesSince(dir: string, ref = 'HEAD'): Promise<string[]> {
  const git = (args: string[]) => execa('git', args, { cwd: dir, reject: false });
  const diff = await git(['diff', '--name-only', '--relative', '--no-renames', ref, '--']);
  if (diff.exitCode !== 0) {
    const message = String(diff.stderr).split('\n')[0] ?? '';
    const notRepository = /not a git repository/i.test(message);
    throw new DevenvError(
      'USAGE',
      notRepository
        ? `--changed needs a git repository; ${dir} is not one.`
        : `git diff against "${ref}" failed: ${message}`,
      {
        hint: notRepository
          ? 'Name the files instead: devenv test FILE...'
          : 'Pass a ref git knows, e.g. --changed main',
      },
    );
  }
  const untracked = await git(['ls-files', '--others', '--exclude-standard']);
  const files = [...String(diff.stdout).split('\n'), ...String(untracked.stdout).split('\n')]
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return [...new Set(files)].sort();
}
