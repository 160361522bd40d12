import { describe, expect, it } from 'vitest';
import { isRunnerConfig } from '../../../src/core/affected/runner-config.js';

describe('runner config files', () => {
  it('are vitest/vite configs and workspaces anywhere, and the config devenv.yaml names', () => {
    const yes = [
      'vitest.config.ts',
      'vite.config.mjs',
      'packages/web/vitest.config.cts',
      'vitest.workspace.ts',
    ];
    const no = ['vitest.setup.ts', 'src/config.ts', 'test/vitest.config.test.ts', 'myvitest.config.ts'];
    expect(yes.filter((file) => isRunnerConfig(file))).toEqual(yes);
    expect(no.filter((file) => isRunnerConfig(file))).toEqual([]);
    expect(isRunnerConfig('config/tests.ts', 'config/tests.ts')).toBe(true);
  });
});
