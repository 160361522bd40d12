/**
 * Images shared across branches, on the real engine through the CLI: a second
 * branch with the same build inputs starts without a build (no image.building
 * event, the same image), `down -v` of one of the two stacks leaves the image
 * to the other, the last one's `down` removes it, and `--build` still builds.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { docker, reapBranchPrefix, runPrefix, stackResources } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
// Unique per run, so the first `up` really builds (no other run's image has these inputs).
const marker = randomBytes(6).toString('hex');
let project: TempProject;

interface JsonEvent {
  type: string;
  service?: string;
  image?: string;
  source?: string;
  stack?: string;
  message?: string;
}

async function upJson(branch: string, flags: string[] = []): Promise<JsonEvent[]> {
  const result = await devenv(project.dir, ['up', '-d', '--json', '--branch', branch, ...flags]);
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as JsonEvent);
}

const stackOf = (events: JsonEvent[]) => events.find((e) => e.type === 'stack.resolved')?.stack ?? '';

async function appImageId(stack: string): Promise<string> {
  const { containers } = await stackResources(stack);
  const app = containers.find((c) => c.Labels['dev.devenv.service'] === 'app');
  expect(app?.Image).toBe(`devenv/${stack}/app:latest`);
  return app!.ImageID;
}

async function tagsOf(id: string): Promise<string[] | undefined> {
  const image = await docker
    .getImage(id)
    .inspect()
    .catch(() => undefined);
  return image?.RepoTags.slice().sort();
}

beforeAll(async () => {
  project = await tempProject({
    'compose.yaml': `
name: shared-${prefix}
services:
  app:
    build:
      context: .
      args:
        NODE_IMAGE: \${NODE_IMAGE:-node:20-slim}
    command: ["node", "-e", "setInterval(() => {}, 1000)"]
`,
    Dockerfile: 'ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\nWORKDIR /app\nCOPY . .\n',
    'server.js': `// ${marker}\n`,
    '.dockerignore': '*.log\n',
  });
});

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await project.remove();
});

describe('images shared across branches', () => {
  let main: string;
  let feature: string;
  let content: string;
  let imageId: string;

  it('a branch switch reuses the image the first branch built: no build event, the same image', async () => {
    const first = await upJson(`${prefix}-main`);
    main = stackOf(first);
    expect(first.some((e) => e.type === 'image.building')).toBe(true);
    const built = first.find((e) => e.type === 'image.ready' && e.service === 'app');
    expect(built).toMatchObject({
      source: 'built',
      image: expect.stringMatching(/^devenv\/shared-t[0-9a-f]+-app:[0-9a-f]{16}$/),
    });
    content = built!.image!;
    imageId = await appImageId(main);

    const second = await upJson(`${prefix}-feature/login`);
    feature = stackOf(second);
    expect(feature).not.toBe(main);
    expect(second.filter((e) => e.type === 'image.building')).toEqual([]);
    expect(second.find((e) => e.type === 'image.ready' && e.service === 'app')).toMatchObject({
      source: 'local',
      image: content,
    });
    expect(await appImageId(feature)).toBe(imageId);
    expect(await tagsOf(imageId)).toEqual(
      [content, `devenv/${feature}/app:latest`, `devenv/${main}/app:latest`].sort(),
    );
  });

  it('`down -v` of one of the two stacks leaves the image to the other', async () => {
    const down = await devenv(project.dir, ['down', '-v', '--branch', `${prefix}-main`]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toContain(`image ${content} kept: used by ${feature}`);
    expect(await tagsOf(imageId)).toEqual([content, `devenv/${feature}/app:latest`].sort());
    // The other stack runs on, and a third `up` of it still finds the image.
    const again = await upJson(`${prefix}-feature/login`);
    expect(again.filter((e) => e.type === 'image.building')).toEqual([]);
  });

  it('the last stack’s `down` removes the image', async () => {
    const down = await devenv(project.dir, ['down', '-v', '--branch', `${prefix}-feature/login`]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toMatch(new RegExp(`^image +${content.replace(/[.]/g, '\\.')} removed$`, 'm'));
    expect(await tagsOf(imageId)).toBeUndefined();
  });

  it('`--build` builds even when another branch has the image', async () => {
    await upJson(`${prefix}-again`);
    const forced = await upJson(`${prefix}-forced`, ['--build']);
    expect(forced.some((e) => e.type === 'image.building')).toBe(true);
    expect(forced.find((e) => e.type === 'image.ready' && e.service === 'app')).toMatchObject({
      source: 'built',
      image: content,
    });
  });
});
