/** Test helper: resolve compose text(s) in memory, with a fake project directory. */
import { DevenvError } from '../../../src/core/errors.js';
import { resolveCompose, type ComposeInput } from '../../../src/core/compose/load-compose.js';
import type { ResolvedCompose } from '../../../src/core/compose/model.js';

export const WORKING_DIR = '/home/dev/My Project';

export function resolveTexts(
  files: Record<string, string>,
  options: Partial<Omit<ComposeInput, 'files'>> & {
    envFiles?: Record<string, string>;
    /** Other compose files by absolute path (extends: {file}). */
    composeFiles?: Record<string, string>;
  } = {},
): ResolvedCompose {
  const envFiles = options.envFiles ?? {};
  return resolveCompose({
    files: Object.entries(files).map(([path, text]) => ({ path, text })),
    workingDir: options.workingDir ?? WORKING_DIR,
    environment: options.environment ?? {},
    readEnvFile: options.readEnvFile ?? ((absPath) => envFiles[absPath]),
    activeProfiles: options.activeProfiles ?? [],
    readComposeFile: options.readComposeFile ?? ((absPath) => options.composeFiles?.[absPath]),
  });
}

export function resolveText(text: string, options: Parameters<typeof resolveTexts>[1] = {}): ResolvedCompose {
  return resolveTexts({ 'compose.yaml': text }, options);
}

/** The DevenvError thrown by fn (fails the test when nothing or something else is thrown). */
export function errorOf(fn: () => unknown): DevenvError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DevenvError) return error;
    throw error;
  }
  throw new Error('expected a DevenvError, nothing was thrown');
}
