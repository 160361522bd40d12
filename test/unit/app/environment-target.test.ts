/** An environment's overlays and variables, through the file-system project source. */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveStackTarget } from '../../../src/app/stack-target.js';
import { DevenvError } from '../../../src/core/errors.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

const devenvYaml = `environments:
  test:
    compose:
      - compose.test.yaml
      - compose.ci.yaml
    variables: { TAG: "16", ENVIRONMENT: testing, FROM_SHELL: env-file }
  broken:
    compose: [compose.missing.yaml]
`;

async function target(environment: string, env: Record<string, string> = {}) {
  const project = await tempProject(
    {
      'compose.yaml':
        'name: shop\nservices:\n  db:\n    image: "pg:${TAG:-15}"\n    environment: { ENVIRONMENT: own }\n  app:\n    image: app\n    environment: { SHELL_SAYS: "${FROM_SHELL}" }\n',
      'compose.test.yaml': 'services:\n  app:\n    image: app-test\n',
      'compose.ci.yaml': 'services:\n  app:\n    image: app-ci\n',
      '.env': 'TAG=14\n',
      'devenv.yaml': devenvYaml,
    },
    'devenv-envtarget-',
  );
  projects.push(project);
  const { ctx } = fakeContext(project.dir, memoryEngine());
  return resolveStackTarget({ ...ctx, env }, { branch: 'main', environment });
}

describe('an environment of the stack target', () => {
  it('merges the overlays after the base files, in order', async () => {
    const resolved = await target('test');
    expect(resolved.project.services['app']?.image).toBe('app-ci');
    expect(resolved.project.files.map((file) => file.split('/').pop())).toEqual([
      'compose.yaml',
      'compose.test.yaml',
      'compose.ci.yaml',
    ]);
    expect(resolved.identity.environment).toBe('test');
    expect(resolved.identity.name).toMatch(/^shop-main-test-/);
  });

  it('interpolates with its variables above .env and below the shell', async () => {
    expect((await target('test')).project.services['db']?.image).toBe('pg:16');
    expect((await target('dev')).project.services['db']?.image).toBe('pg:14');
    const shell = await target('test', { TAG: '17', FROM_SHELL: 'shell' });
    expect(shell.project.services['db']?.image).toBe('pg:17');
    expect(shell.project.services['app']?.environment['SHELL_SAYS']).toBe('shell');
  });

  it("defaults every service's environment with its variables, the service's own value winning", async () => {
    const { project } = await target('test');
    expect(project.services['db']?.environment['ENVIRONMENT']).toBe('own');
    expect(project.services['app']?.environment['ENVIRONMENT']).toBe('testing');
    expect(project.services['app']?.environment['TAG']).toBe('16');
  });

  it('names the devenv.yaml line of an overlay that does not exist', async () => {
    const error = await target('broken').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('COMPOSE_NOT_FOUND');
    expect((error as DevenvError).message).toBe(
      'devenv.yaml:8 environments.broken.compose[0]: overlay compose file compose.missing.yaml does not exist',
    );
  });

  it('lists the defined environments for an unknown one', async () => {
    await expect(target('qa')).rejects.toThrow(
      'There is no environment "qa"; this project has: dev, test, staging, prod, broken.',
    );
  });
});
