/**
 * Finding stacks by labels on the memory engine: by the derived selectors for
 * what this devenv labelled, by annotations for what an earlier devenv
 * labelled (kept by `up`, so still around); their service containers too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { serviceContainers } from '../../../src/app/observe.js';
import { stacksByLabels } from '../../../src/app/stack-by-labels.js';
import { up } from '../../../src/app/up.js';
import { containerRequest } from '../../support/container-request.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, withImage } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

/** The labels an earlier devenv gave a stack's resources: no derived selectors. */
const legacyLabels = (stack: string, workingDir: string, owner: string) => ({
  'dev.devenv.stack': stack,
  'dev.devenv.project': 'myapp',
  'dev.devenv.branch': 'feature/x',
  'dev.devenv.owner': owner,
  'dev.devenv.created': '2024-01-01T00:00:00.000Z',
  'dev.devenv.working-dir': workingDir,
  'dev.devenv.compose-files': `${workingDir}/compose.yaml`,
  'dev.devenv.version': '0.1.0',
});

describe('stacks and containers by labels', () => {
  it("finds a directory's stacks on a branch, labelled now or before the derived selectors", async () => {
    const created = await tempProject(
      { 'compose.yaml': 'services:\n  cache:\n    image: local/cache\n' },
      'devenv-labels-',
    );
    projects.push(created);
    const engine = memoryEngine();
    withImage(engine, 'local/cache');
    const { ctx } = fakeContext(created.dir, engine);
    const result = await up(ctx, { branch: 'feature/x' });
    const workingDir = result.target.project.workingDir;

    const older = legacyLabels('myapp-older', workingDir, 'tester');
    await engine.createNetwork('myapp-older_default', older);
    await engine.createContainer(
      containerRequest({
        name: 'myapp-older-cache-1',
        image: 'local/cache',
        labels: { ...older, 'dev.devenv.service': 'cache' },
      }),
    );
    await engine.createNetwork('bobs_default', legacyLabels('bobs', workingDir, 'bob'));

    const query = { workingDir, branch: 'feature/x', owner: 'tester' };
    expect(await stacksByLabels(ctx, query)).toEqual([result.target.identity.name, 'myapp-older'].sort());
    expect(await stacksByLabels(ctx, { ...query, branch: 'feature-x' })).toEqual([]);
    expect(await stacksByLabels(ctx, { ...query, workingDir: `${workingDir}/sub` })).toEqual([]);
    expect(await stacksByLabels(ctx, { ...query, owner: 'bob' })).toEqual(['bobs']);

    const backend = await ctx.backend();
    const current = await serviceContainers(backend, result.target.identity.name, 'cache');
    expect(current.map((c) => c.facts.service)).toEqual(['cache']);
    const legacy = await serviceContainers(backend, 'myapp-older', 'cache');
    expect(legacy.map((c) => c.name)).toEqual(['myapp-older-cache-1']);
    expect(await serviceContainers(backend, 'myapp-older', 'web')).toEqual([]);
  });
});
