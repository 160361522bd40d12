/** `git init` for a new project, through the git CLI. */
import { execa } from 'execa';
import type { GitRepository } from '../../contracts/scaffold.js';

export const gitRepository: GitRepository = {
  async isInsideWorkTree(dir) {
    const result = await execa('git', ['rev-parse', '--is-inside-work-tree'], { cwd: dir, reject: false });
    return result.exitCode === 0 && String(result.stdout).trim() === 'true';
  },
  async init(dir) {
    const result = await execa('git', ['init', '-q'], { cwd: dir, reject: false });
    if (result.exitCode !== 0)
      throw new Error(
        String(result.stderr).trim() || result.shortMessage || `git init exited ${result.exitCode}`,
      );
  },
};
