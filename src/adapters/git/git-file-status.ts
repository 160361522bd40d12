/** How git sees one file: tracked (in the index), ignored, neither, or no repository around it. */
import { execa } from 'execa';
import { basename, dirname } from 'node:path';
import type { GitFileStatus } from '../../core/secrets/secrets-file.js';

export async function gitFileStatus(file: string): Promise<GitFileStatus> {
  const git = (args: string[]) =>
    execa('git', args, { cwd: dirname(file), reject: false, stdin: 'ignore', timeout: 10_000 });
  const name = basename(file);
  const inside = await git(['rev-parse', '--is-inside-work-tree']).catch(() => undefined);
  if (inside?.exitCode !== 0 || String(inside.stdout).trim() !== 'true') return 'no-repository';
  const tracked = await git(['ls-files', '--error-unmatch', '--', name]);
  if (tracked.exitCode === 0) return 'tracked';
  const ignored = await git(['check-ignore', '-q', '--', name]);
  return ignored.exitCode === 0 ? 'ignored' : 'not-ignored';
}
