/** The current git branch of a directory, via git itself. */
import { execa } from 'execa';

/** Branch name; the short commit for a detached HEAD; "nogit" outside a repository or without git. */
export async function currentBranch(dir: string): Promise<string> {
  const branch = await execa('git', ['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: dir, reject: false });
  if (branch.exitCode === 0 && branch.stdout && branch.stdout !== 'HEAD') return branch.stdout.trim();
  if (branch.exitCode === 0) {
    const commit = await execa('git', ['rev-parse', '--short', 'HEAD'], { cwd: dir, reject: false });
    if (commit.exitCode === 0) return `detached-${commit.stdout.trim()}`;
  }
  // A repository without commits still has a branch name.
  const symbolic = await execa('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: dir, reject: false });
  if (symbolic.exitCode === 0 && symbolic.stdout) return symbolic.stdout.trim();
  return 'nogit';
}
