/**
 * What `devenv init` does to the target directory, decided before anything is written: each file
 * is created, overwritten (only with --force), extended (a .gitignore gains the lines it lacks,
 * --force or not) or kept (already as wanted). A file in the way without --force, or a directory where a file goes,
 * is a conflict, and nothing is written.
 */
import { DevenvError } from '../errors.js';
import type { RenderedFile } from './render-template.js';

/** What is at a path of the target now. */
export type ExistingEntry = { kind: 'file'; content: string } | { kind: 'directory' } | { kind: 'other' };

export type ScaffoldAction = 'create' | 'overwrite' | 'append' | 'keep';

export interface ScaffoldStep {
  path: string;
  action: ScaffoldAction;
  /** What the file holds afterwards. */
  content: string;
  executable: boolean;
}

export interface ScaffoldPlan {
  steps: ScaffoldStep[];
  /** Files that exist and would be overwritten: need --force. */
  conflicts: string[];
  /** Paths where something other than a file is: no flag helps. */
  blocked: string[];
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line.trim() !== '');
}

/** The existing file with the wanted lines it lacks appended, or undefined when it has them all. */
function appended(existing: string, wanted: string): string | undefined {
  const have = new Set(lines(existing).map((line) => line.trim()));
  const missing = wanted.split(/\r?\n/).filter((line) => line.trim() !== '' && !have.has(line.trim()));
  if (missing.every((line) => line.trimStart().startsWith('#'))) return undefined;
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  return `${existing}${separator}\n# added by devenv init\n${missing.filter((line) => !line.trimStart().startsWith('#')).join('\n')}\n`;
}

export function planScaffold(
  files: readonly RenderedFile[],
  existing: ReadonlyMap<string, ExistingEntry>,
  options: { force: boolean },
): ScaffoldPlan {
  const plan: ScaffoldPlan = { steps: [], conflicts: [], blocked: [] };
  for (const file of files) {
    const now = existing.get(file.path);
    const step = (action: ScaffoldAction, content = file.content) =>
      plan.steps.push({ path: file.path, action, content, executable: file.executable });
    if (now === undefined) step('create');
    else if (now.kind !== 'file') plan.blocked.push(file.path);
    else if (now.content === file.content) step('keep');
    else if (file.ifExists === 'append-lines') {
      const extended = appended(now.content, file.content);
      if (extended === undefined) step('keep', now.content);
      else step('append', extended);
    } else if (options.force) step('overwrite');
    else plan.conflicts.push(file.path);
  }
  return plan;
}

/** The plan's refusal, when it has one: every file named, and the fix. */
export function scaffoldRefusal(plan: ScaffoldPlan, dir: string): DevenvError | undefined {
  if (plan.blocked.length > 0)
    return new DevenvError(
      'FILE_EXISTS',
      `devenv init cannot write ${plan.blocked.join(', ')} in ${dir}: something other than a file is there.`,
      { hint: 'Move it away, or init into another directory.' },
    );
  if (plan.conflicts.length > 0)
    return new DevenvError(
      'FILE_EXISTS',
      `devenv init would overwrite ${plan.conflicts.length === 1 ? 'a file' : `${plan.conflicts.length} files`} in ${dir}: ${plan.conflicts.join(', ')}. Nothing was written.`,
      { hint: 'Pass --force to overwrite them, or init into another directory.' },
    );
  return undefined;
}
