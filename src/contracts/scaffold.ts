/**
 * What `devenv init` reads and writes: the templates devenv ships, the target directory, and git.
 * Implemented on the file system (adapters/fs) and the git CLI (adapters/git).
 */
import type { TemplateFile } from '../core/scaffold/render-template.js';
import type { ExistingEntry, ScaffoldStep } from '../core/scaffold/scaffold-plan.js';

export interface TemplateSource {
  /** Every file of the named template, relative paths with forward slashes. */
  files(template: string): Promise<TemplateFile[]>;
}

export interface ScaffoldTarget {
  /** What is at each of these paths of `dir` now (absent paths are left out; `dir` may not exist). */
  existing(dir: string, paths: readonly string[]): Promise<Map<string, ExistingEntry>>;
  /** Carries out the steps that change something (create, overwrite, append), creating directories. */
  write(dir: string, steps: readonly ScaffoldStep[]): Promise<void>;
}

export interface GitRepository {
  /** Whether `dir` is inside a git work tree. */
  isInsideWorkTree(dir: string): Promise<boolean>;
  /** `git init` in `dir`; an Error when git is missing or fails. */
  init(dir: string): Promise<void>;
}
