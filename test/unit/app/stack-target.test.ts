/** The template is loaded once, and again only when it names devenv's own variables (the stack identity). */
import { afterEach, describe, expect, it } from 'vitest';
import { projectFiles } from '../../../src/adapters/fs/project-files.js';
import { resolveStackTarget } from '../../../src/app/stack-target.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

async function loads(compose: string): Promise<{ count: number; label: string | undefined }> {
  const project = await tempProject({ 'compose.yaml': compose }, 'devenv-target-');
  projects.push(project);
  const { ctx } = fakeContext(project.dir, memoryEngine());
  let count = 0;
  const counted = {
    ...ctx,
    project: {
      ...projectFiles,
      loadCompose: (request: Parameters<typeof projectFiles.loadCompose>[0]) => {
        count += 1;
        return projectFiles.loadCompose(request);
      },
    },
  };
  const target = await resolveStackTarget(counted, { branch: 'feature' });
  const label = target.project.services['app']?.labels['stack'];
  expect(label === undefined || label === target.identity.name).toBe(true);
  return { count, label };
}

describe('resolveStackTarget', () => {
  it('loads a template that does not name DEVENV_* once', async () => {
    expect((await loads('name: shop\nservices:\n  app:\n    image: x\n')).count).toBe(1);
  });

  it('loads again, with the real stack name, a template that names DEVENV_STACK', async () => {
    const { count, label } = await loads(
      'name: shop\nservices:\n  app:\n    image: x\n    labels: { stack: "${DEVENV_STACK}" }\n',
    );
    expect(count).toBe(2);
    expect(label).toMatch(/^shop-feature-/);
  });
});
