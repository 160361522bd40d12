/**
 * Removing or reading a stack needs only its labels: `down` and `logs` work
 * when the template no longer parses or a secret's variable is unset in a new
 * shell, and without any stack the error names --stack.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { countOf, resourcesWhere } from '../support/engine-state.js';

const { prefix, project: workspace } = e2eWorkspace();

const compose = `
services:
  cache:
    image: \${REDIS_IMAGE:-redis:7}
    command: ["redis-server", "--loglevel", "verbose"]
    secrets: [api_token]
secrets:
  api_token:
    environment: API_TOKEN
`;

describe('down and logs without a usable template', () => {
  it('a secret variable unset, then a YAML error: logs and down find the stack by its labels', async () => {
    const branch = `${prefix}-broken`;
    const project = await workspace({ 'compose.yaml': compose });
    const up = await devenv(project.dir, ['up', '-d', '--branch', branch], { API_TOKEN: 'tok-0123456789' });
    expect(up.exitCode, up.stderr).toBe(0);

    // A new shell: API_TOKEN is not set.
    const logs = await devenv(project.dir, ['logs', 'cache', '--tail', '5', '--branch', branch]);
    expect(logs.exitCode, logs.stderr).toBe(0);
    expect(logs.stderr + logs.stdout).toContain('found by its labels');
    expect(logs.stdout).toContain('cache');

    await writeFile(join(project.dir, 'compose.yaml'), 'services:\n  cache: [unclosed\n');
    const down = await devenv(project.dir, ['down', '-v', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout + down.stderr).toContain('found by its labels');
    expect(countOf(await resourcesWhere(`dev.devenv.branch=${branch}`))).toBe(0);
  });

  it('with no stack to find, the template error says how to name one with --stack', async () => {
    const project = await workspace({ 'compose.yaml': 'services:\n  cache: [unclosed\n' });
    const down = await devenv(project.dir, ['down', '--branch', `${prefix}-none`]);
    expect(down.exitCode).toBe(1);
    expect(down.stderr).toContain('--stack NAME');
  });
});
