/**
 * vitest refusing to start with the project's config (an option it rejects,
 * a config file that does not load) is the project's problem, not a bug in
 * devenv: it becomes a TEST_CONFIG_INVALID error that names the config file,
 * the vitest that read it (and why that one) and vitest's own message.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DevenvError } from '../../core/errors.js';
import type { TestToolInfo } from '../../contracts/test-runner.js';

/** The names vitest looks for when no config is named, in its order (vitest 3 and 4 alike). */
const CONFIG_NAMES = ['vitest.config', 'vite.config'];
const CONFIG_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** The config file vitest read: the one devenv.yaml names, else the first of vitest's defaults present. */
export function vitestConfigFile(root: string, configFile: string | undefined): string | undefined {
  if (configFile !== undefined) return configFile;
  for (const name of CONFIG_NAMES)
    for (const extension of CONFIG_EXTENSIONS)
      if (existsSync(path.join(root, name + extension))) return name + extension;
  return undefined;
}

export function vitestConfigError(
  error: unknown,
  tool: TestToolInfo,
  root: string,
  configFile: string | undefined,
): DevenvError {
  const file = vitestConfigFile(root, configFile);
  const text = error instanceof Error ? error.message : String(error);
  const [first = 'failed to start', ...rest] = text.split('\n').filter((line) => line.trim() !== '');
  const which = `vitest ${tool.version}${tool.source === 'devenv' ? " (devenv's own)" : ''}`;
  const hint =
    tool.source === 'project'
      ? `Fix ${file ?? 'the vitest config'} for vitest ${tool.version}; \`npx vitest run\` in the project shows the same error.`
      : `devenv used its own vitest because ${tool.reason ?? 'the project has none it can use'}. Install vitest 3 or 4 in the project (\`npm install -D vitest@4\`), or make ${file ?? 'the config'} valid for vitest ${tool.version}.`;
  return new DevenvError(
    'TEST_CONFIG_INVALID',
    `${which} rejected the project's config ${file ?? '(no config file)'}: ${first}`,
    { hint, details: rest.slice(0, 10), cause: error },
  );
}
