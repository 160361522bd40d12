/**
 * Unit or integration: by devenv.yaml's globs (`tests.unit`,
 * `tests.integration`), or, when devenv.yaml does not set them and the
 * vitest config has projects named `unit` / `integration`, by project.
 * Test files that fit neither are left out (and reported).
 */
import type { TestKind } from '../testing/test-model.js';
import type { DevenvConfig } from '../config/devenv-config.js';
import { globMatcher } from '../glob/glob.js';
import type { TestFileInfo } from './select-tests.js';

export interface DiscoveredTestFile {
  /** Project-relative POSIX path. */
  file: string;
  /** The vitest project the file belongs to ('' for a config without projects). */
  project: string;
}

export interface TestClassification {
  tests: TestFileInfo[];
  /** Test files the runner knows that are neither unit nor integration. */
  unclassified: string[];
  /** How kinds were decided, for messages. */
  by: 'globs' | 'vitest projects';
}

const KINDS: readonly TestKind[] = ['unit', 'integration'];

export function classifyTestFiles(
  files: readonly DiscoveredTestFile[],
  tests: DevenvConfig['tests'],
): TestClassification {
  const projectNames = new Set(files.map((file) => file.project));
  const byProject = tests.explicit !== true && KINDS.some((kind) => projectNames.has(kind));
  const isIntegration = globMatcher(tests.integration);
  const isUnit = globMatcher(tests.unit);
  const result: TestClassification = {
    tests: [],
    unclassified: [],
    by: byProject ? 'vitest projects' : 'globs',
  };
  const seen = new Set<string>();
  for (const { file, project } of files) {
    let kind: TestKind | undefined;
    if (byProject) kind = KINDS.find((name) => name === project);
    else if (isIntegration(file)) kind = 'integration';
    else if (isUnit(file)) kind = 'unit';
    if (kind === undefined) {
      if (!seen.has(file)) result.unclassified.push(file);
    } else if (!seen.has(file)) result.tests.push({ file, kind });
    seen.add(file);
  }
  result.tests.sort((a, b) => a.file.localeCompare(b.file));
  result.unclassified.sort();
  return result;
}
