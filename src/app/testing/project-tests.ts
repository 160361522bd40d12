/**
 * What the test scheduler knows about the project: its devenv.yaml, its
 * compose files (if any), its test files with their kinds, and the trigger
 * rules in effect.
 */
import type { TriggerRule, DevenvConfig } from '../../core/config/devenv-config.js';
import { effectiveTriggerRules, FULL_RUN_FILES } from '../../core/affected/default-triggers.js';
import { classifyTestFiles, type TestClassification } from '../../core/affected/test-kinds.js';
import type { ProjectSource } from '../../contracts/project-source.js';
import { isDevenvError } from '../../core/errors.js';
import type { TestRunner } from '../../contracts/test-runner.js';
import { relativePosix } from '../../core/paths/posix-path.js';

export interface ProjectTests extends TestClassification {
  rules: TriggerRule[];
  fullRunFiles: string[];
  /** Compose files relative to the root; empty for a project without a stack. */
  composeFiles: string[];
}

/** The project's compose files (project-relative), or none when it has no compose file. */
export function projectComposeFiles(
  project: ProjectSource,
  root: string,
  explicitFiles?: string[],
  env: Record<string, string | undefined> = {},
): string[] {
  try {
    return project.composeFiles(root, explicitFiles, env).map((file) => relativePosix(root, file));
  } catch (error) {
    if (
      isDevenvError(error) &&
      error.code === 'COMPOSE_NOT_FOUND' &&
      !(explicitFiles && explicitFiles.length > 0)
    )
      return [];
    throw error;
  }
}

export async function discoverProjectTests(
  runner: TestRunner,
  config: DevenvConfig,
  composeFiles: string[],
): Promise<ProjectTests> {
  const classification = classifyTestFiles(await runner.listTestFiles(), config.tests);
  const fullRunFiles = [...FULL_RUN_FILES, ...runner.fullRunFiles()];
  if (config.tests.vitestConfig) fullRunFiles.push(config.tests.vitestConfig);
  return {
    ...classification,
    rules: effectiveTriggerRules(config, composeFiles),
    fullRunFiles,
    composeFiles,
  };
}
