/**
 * The template database's key: a hash of what shapes its contents — the
 * migration and seed files (database.inputs) and the commands' text. Same key,
 * same template; any change means a rebuild.
 */
import { createHash } from 'node:crypto';

export const DEFAULT_TEMPLATE_INPUTS: readonly string[] = ['migrations/**', 'seed/**', 'seeds/**'];

export interface TemplateInputFile {
  /** Project-relative path, forward slashes. */
  path: string;
  /** Content digest (hex). */
  digest: string;
}

export interface TemplateKeyInput {
  files: readonly TemplateInputFile[];
  migrate?: string;
  seed?: string;
}

/** Hex sha256 over the sorted files and the commands; stable across machines and checkouts. */
export function templateKey(input: TemplateKeyInput): string {
  const hash = createHash('sha256');
  hash.update('devenv-template-v1\n');
  for (const file of [...input.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)))
    hash.update(`file\0${file.path}\0${file.digest}\n`);
  hash.update(`migrate\0${input.migrate ?? ''}\n`);
  hash.update(`seed\0${input.seed ?? ''}\n`);
  return hash.digest('hex');
}

/** The inputs to use: the configured globs, or the defaults when none are given. */
export function templateInputs(configured: readonly string[] | undefined): readonly string[] {
  return configured && configured.length > 0 ? configured : DEFAULT_TEMPLATE_INPUTS;
}
