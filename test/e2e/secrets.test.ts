/**
 * A secret given by an environment variable: in the container at
 * /run/secrets/<name>, and nowhere in what devenv prints.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';
import { containerExec } from '../support/container-exec.js';

const prefix = runPrefix();
const branch = `${prefix}-secrets`;
const value = 'tok-e2e-9f8e7d6c';
let project: TempProject | undefined;

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await project?.remove();
});

const compose = `
services:
  app:
    image: \${REDIS_IMAGE:-redis:7}
    secrets: [api_token]
    configs:
      - source: banner
        target: /etc/banner
secrets:
  api_token:
    environment: API_TOKEN
configs:
  banner:
    content: welcome
`;

const exec = containerExec;

describe('secrets from the environment', () => {
  it('reach the container as files and never show in the output', async () => {
    project = await tempProject({ 'compose.yaml': compose });
    const up = await devenv(project.dir, ['up', '-d', '--branch', branch, '--json'], { API_TOKEN: value });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout + up.stderr).not.toContain(value);
    const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const id = containers[0]!.Id;
    expect(await exec(id, ['cat', '/run/secrets/api_token'])).toBe(value);
    expect(await exec(id, ['cat', '/etc/banner'])).toBe('welcome');

    const config = await devenv(project.dir, ['config', '--branch', branch], { API_TOKEN: value });
    expect(config.exitCode, config.stderr).toBe(0);
    expect(config.stdout).toContain('environment: API_TOKEN');
    expect(config.stdout).not.toContain(value);

    const missing = await devenv(project.dir, ['up', '-d', '--branch', `${branch}-x`]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('secrets.api_token takes its value from API_TOKEN, which is not set');
  });

  it('are masked wherever they are interpolated: config, config --json and errors that quote them', async () => {
    const token = 'Zq7-interp-5e4d3c2b';
    const dir = (
      await tempProject({
        'compose.yaml': `
services:
  app:
    image: \${REDIS_IMAGE:-redis:7}
    secrets: [api_token]
    environment:
      API_TOKEN: "\${API_TOKEN}"
      TOKEN_URL: "https://svc:\${API_TOKEN}@api.example.com/v1"
secrets:
  api_token:
    environment: API_TOKEN
`,
        'ports.yaml': `
services:
  app:
    image: \${REDIS_IMAGE:-redis:7}
    ports: ["\${API_TOKEN}:80"]
`,
        'image.yaml': `
services:
  app:
    image: devenv-test/\${API_TOKEN}
`,
        // A variable whose name does not look secret, masked because a secret takes its value from it.
        'named.yaml': `
services:
  app:
    image: \${REDIS_IMAGE:-redis:7}
    ports: ["\${PLAIN_VALUE}:80"]
secrets:
  plain:
    environment: PLAIN_VALUE
`,
      })
    ).dir;
    const env = { API_TOKEN: token, PLAIN_VALUE: token };
    for (const args of [['config'], ['config', '--json']]) {
      const shown = await devenv(dir, [...args, '--branch', branch], env);
      expect(shown.exitCode, shown.stderr).toBe(0);
      expect(shown.stdout).toContain('TOKEN_URL');
      expect(shown.stdout + shown.stderr).not.toContain(token);
    }
    for (const file of ['ports.yaml', 'named.yaml']) {
      for (const json of [[], ['--json']]) {
        const failed = await devenv(dir, ['up', '-d', '-f', file, '--branch', `${branch}-bad`, ...json], env);
        expect(failed.exitCode).toBe(1);
        expect(failed.stdout + failed.stderr).toContain('****');
        expect(failed.stdout + failed.stderr).not.toContain(token);
      }
    }
    const image = await devenv(dir, ['up', '-d', '-f', 'image.yaml', '--branch', `${branch}-img`], env);
    expect(image.exitCode).toBe(1);
    expect(image.stderr).toContain('devenv-test/****');
    expect(image.stdout + image.stderr).not.toContain(token);
  });
});
