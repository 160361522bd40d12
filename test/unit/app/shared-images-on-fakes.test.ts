/**
 * Images shared across branches, on the memory engine: a second stack with the
 * same build inputs takes the image without a build, `down` of one of two
 * stacks leaves it, the last one's `down` removes it, and a changed input
 * (and only one the build sees) gives a new image.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { down } from '../../../src/app/down.js';
import { gc } from '../../../src/app/gc.js';
import type { DevenvEvent } from '../../../src/app/events.js';
import { up } from '../../../src/app/up.js';
import { fakeContext } from '../../support/fakes/app-context.js';
import { memoryEngine, type MemoryEngine } from '../../support/fakes/memory-engine.js';
import { tempProject, type TempProject } from '../../support/projects.js';

const projects: TempProject[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map((p) => p.remove()));
});

async function project(): Promise<string> {
  const created = await tempProject(
    {
      'compose.yaml': 'name: shop\nservices:\n  app:\n    build: .\n',
      Dockerfile: 'FROM scratch\nCOPY . /app\n',
      'server.js': 'console.log(1)\n',
      '.dockerignore': '*.log\n',
    },
    'devenv-shared-',
  );
  projects.push(created);
  return created.dir;
}

const builds = (engine: MemoryEngine) => engine.calls.filter((c) => c.startsWith('build '));
const tags = (engine: MemoryEngine) => [...engine.images.keys()].sort();
const readyEvents = (events: DevenvEvent[]) =>
  events.flatMap((e) => (e.type === 'image.ready' ? [{ image: e.image, source: e.source }] : []));

describe('images shared across branches (memory engine)', () => {
  it('a second branch takes the image without a build; down keeps it until the last stack goes', async () => {
    const dir = await project();
    const engine = memoryEngine();
    const { ctx, events } = fakeContext(dir, engine);

    const first = await up(ctx, { branch: 'main' });
    expect(builds(engine)).toEqual([expect.stringMatching(/^build devenv\/shop-app:[0-9a-f]{16}$/)]);
    const content = builds(engine)[0]!.slice('build '.length);
    const mainRef = `devenv/${first.target.identity.name}/app:latest`;
    expect(tags(engine)).toEqual([content, mainRef].sort());
    expect(engine.containerOf('app')?.request.image).toBe(mainRef);

    engine.calls.length = 0;
    events.length = 0;
    const second = await up(ctx, { branch: 'feature/x' });
    expect(builds(engine)).toEqual([]);
    expect(events.some((e) => e.type === 'image.building')).toBe(false);
    expect(readyEvents(events)).toEqual([{ image: content, source: 'local' }]);
    const featureRef = `devenv/${second.target.identity.name}/app:latest`;
    expect(tags(engine)).toEqual([content, mainRef, featureRef].sort());
    expect(engine.images.get(featureRef)?.id).toBe(engine.images.get(content)?.id);

    events.length = 0;
    await down(ctx, { stack: first.target.identity.name, volumes: true });
    expect(tags(engine)).toEqual([content, featureRef].sort());
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'info',
        message: `image ${content} kept: used by ${second.target.identity.name}`,
      }),
    );

    await down(ctx, { stack: second.target.identity.name, volumes: true });
    expect(tags(engine)).toEqual([]);
  });

  it('builds again when an input changes, not when a file .dockerignore leaves out does', async () => {
    const dir = await project();
    const engine = memoryEngine();
    const { ctx } = fakeContext(dir, engine);
    await up(ctx, { branch: 'a' });
    engine.calls.length = 0;

    await writeFile(join(dir, 'debug.log'), 'noise\n');
    await up(ctx, { branch: 'b' });
    expect(builds(engine)).toEqual([]);

    await writeFile(join(dir, 'server.js'), 'console.log(2)\n');
    await up(ctx, { branch: 'c' });
    expect(builds(engine)).toHaveLength(1);
    // Both versions stay tagged: switching back to a branch with the old files builds nothing.
    expect(tags(engine).filter((t) => /^devenv\/shop-app:/.test(t))).toHaveLength(2);
  });

  it('a stack keeps its image when its sources change, as compose does, until --build', async () => {
    const dir = await project();
    const engine = memoryEngine();
    const { ctx, events } = fakeContext(dir, engine);
    const first = await up(ctx, { branch: 'a' });
    const ref = `devenv/${first.target.identity.name}/app:latest`;
    await writeFile(join(dir, 'server.js'), 'console.log(2)\n');
    engine.calls.length = 0;
    events.length = 0;
    await up(ctx, { branch: 'a' });
    expect(builds(engine)).toEqual([]);
    expect(readyEvents(events)).toEqual([{ image: ref, source: 'local' }]);
    await up(ctx, { branch: 'a', forceBuild: true });
    expect(builds(engine)).toHaveLength(1);
  });

  it('--build rebuilds the shared image, and a stack moves to it', async () => {
    const dir = await project();
    const engine = memoryEngine();
    const { ctx } = fakeContext(dir, engine);
    const first = await up(ctx, { branch: 'a' });
    const ref = `devenv/${first.target.identity.name}/app:latest`;
    const before = engine.images.get(ref)?.id;
    engine.calls.length = 0;
    await up(ctx, { branch: 'a', forceBuild: true });
    expect(builds(engine)).toHaveLength(1);
    expect(engine.images.get(ref)?.id).not.toBe(before);
    expect(engine.containerOf('app')?.imageId).toBe(engine.images.get(ref)?.id);
    // A rebuild after a change (b, develop.watch) leaves the older build tagged by its inputs...
    await writeFile(join(dir, 'server.js'), 'console.log(3)\n');
    await up(ctx, { branch: 'a', rebuild: ['app'] });
    expect(tags(engine).filter((t) => t.startsWith('devenv/shop-app:'))).toHaveLength(2);
    // ...and down takes it too: no stack uses it.
    await down(ctx, { stack: first.target.identity.name, volumes: true });
    expect(tags(engine)).toEqual([]);
  });

  it('gc: a stack with nothing left loses its tag; the image goes when no stack is left, after the grace period', async () => {
    const dir = await project();
    const engine = memoryEngine();
    const { ctx, events } = fakeContext(dir, engine);
    const a = (await up(ctx, { branch: 'a' })).target.identity.name;
    const b = (await up(ctx, { branch: 'b' })).target.identity.name;
    const content = tags(engine).find((t) => t.startsWith('devenv/shop-app:'))!;
    const removeByHand = async (stack: string) => {
      // As `docker rm -f` and `docker network rm` would: nothing of the stack is left, its tag is.
      for (const c of await engine.listContainers({ 'dev.devenv.stack': stack }))
        await engine.removeContainer(c.id, { force: true, volumes: true });
      for (const n of await engine.listNetworks({ 'dev.devenv.stack': stack }))
        await engine.removeNetwork(n.id);
    };
    await removeByHand(a);

    // Within the grace period: nothing (an `up` elsewhere may have just tagged it).
    await gc(ctx, { dryRun: false });
    expect(tags(engine)).toContain(`devenv/${a}/app:latest`);

    const later = { ...ctx, clock: { now: () => Date.now() + 3_600_000 } };
    events.length = 0;
    await gc(later, { dryRun: true });
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'info',
        message: expect.stringMatching(
          /^would remove tag devenv\/.*: .* has nothing left \(the image stays for /,
        ),
      }),
    );
    expect(tags(engine)).toContain(`devenv/${a}/app:latest`);
    await gc(later, { dryRun: false });
    expect(tags(engine)).toEqual([content, `devenv/${b}/app:latest`].sort());

    await removeByHand(b);
    await gc(later, { dryRun: false });
    expect(tags(engine)).toEqual([]);
  });

  it('builds once more when the new image goes before the stack tags it (another stack’s down)', async () => {
    const dir = await project();
    const engine = memoryEngine();
    const { ctx } = fakeContext(dir, engine);
    const tag = engine.tagImage.bind(engine);
    let lost = 0;
    engine.tagImage = async (source, target) => {
      if (lost++ === 0) {
        for (const t of [...engine.images.keys()]) engine.images.delete(t);
        return false;
      }
      return tag(source, target);
    };
    await up(ctx, { branch: 'a' });
    expect(builds(engine)).toHaveLength(2);
    expect(engine.containerOf('app')?.request.image).toMatch(/^devenv\/.*\/app:latest$/);
  });

  it('builds when the image goes between finding it and taking it (another stack’s down)', async () => {
    const dir = await project();
    const engine = memoryEngine();
    const { ctx } = fakeContext(dir, engine);
    await up(ctx, { branch: 'a' });
    engine.calls.length = 0;
    const inspect = engine.inspectImage.bind(engine);
    engine.inspectImage = async (ref) => {
      const found = await inspect(ref);
      if (found && ref.startsWith('devenv/shop-app:'))
        for (const tag of [...engine.images.keys()]) engine.images.delete(tag);
      return found;
    };
    await up(ctx, { branch: 'b' });
    expect(builds(engine)).toHaveLength(1);
  });
});
