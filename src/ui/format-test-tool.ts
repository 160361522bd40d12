/** "vitest 3.2.4 (the project's)" / "vitest 4.1.12 (devenv's own: the project has no vitest installed)". */
import type { TestToolInfo } from '../contracts/test-runner.js';

export function formatTestTool(tool: TestToolInfo): string {
  const whose =
    tool.source === 'project' ? "the project's" : `devenv's own${tool.reason ? `: ${tool.reason}` : ''}`;
  return `${tool.name} ${tool.version} (${whose})`;
}
