/**
 * `kill -9` during an image build (issue 8 item 8): the build's committed
 * layers (untagged, unlabelled: the builder labels only the final image) are
 * removed by `gc` and by `down`; images without devenv's labels that no
 * devenv build made (a dangling one and a tagged one) are never touched.
 */
import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv, spawnDevenv } from '../support/cli.js';
import { docker, reapBranchPrefix, runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const projects: TempProject[] = [];
const dirs: string[] = [];
const decoys: string[] = [];

/** Steps marked with `marker` (unique per build, so nothing comes from the cache). */
function dockerfile(marker: string): string {
  return [
    'FROM devenv-test/debian-base:bookworm',
    `RUN echo one > /one # ${marker}`,
    `RUN echo two > /two # ${marker}`,
    `RUN sleep 30 # ${marker}-slow`,
    'CMD ["sleep", "infinity"]',
    '',
  ].join('\n');
}

const compose = `
services:
  app:
    build: .
`;

/** Every image (intermediate ones too) whose history holds `marker`. */
async function imagesMarked(marker: string): Promise<string[]> {
  const images = await docker.listImages({ all: true });
  const marked: string[] = [];
  for (const image of images) {
    const history = (await docker
      .getImage(image.Id)
      .history()
      .catch(() => [])) as Array<{ CreatedBy?: string }>;
    if (history.some((layer) => (layer.CreatedBy ?? '').includes(marker))) marked.push(image.Id);
  }
  return marked;
}

async function buildContainer(marker: string): Promise<boolean> {
  const containers = await docker.listContainers({ all: true });
  return containers.some((c) => c.Command.includes(`${marker}-slow`));
}

/** Starts `up -d`, and kills it with -9 while the engine runs the build's slow step. */
async function killMidBuild(branch: string, marker: string, cache: string): Promise<string> {
  const project = await tempProject({ 'compose.yaml': compose, Dockerfile: dockerfile(marker) });
  projects.push(project);
  const child = spawnDevenv(project.dir, ['up', '-d', '--branch', branch], { DEVENV_CACHE_DIR: cache });
  while (!(await buildContainer(marker))) {
    if (child.exitCode !== null) throw new Error(`up ended before the slow step: ${String(child.stderr)}`);
    await sleep(50);
  }
  child.kill('SIGKILL');
  await child;
  // The engine cancels the build when its client is gone, and removes the step's container.
  while (await buildContainer(marker)) await sleep(100);
  return project.dir;
}

async function cacheDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-builds-'));
  dirs.push(dir);
  return dir;
}

beforeAll(async () => {
  // Decoys without devenv labels: a dangling image (an untagged build) and a tagged one.
  const dir = await mkdtemp(join(tmpdir(), 'devenv-decoy-'));
  dirs.push(dir);
  await writeFile(
    join(dir, 'Dockerfile'),
    `FROM devenv-test/debian-base:bookworm\nRUN echo decoy > /decoy # decoy-${prefix}\n`,
  );
  const env = { DOCKER_BUILDKIT: '0' };
  const dangling = await execa('docker', ['build', '-q', dir], { env });
  decoys.push(dangling.stdout.trim());
  const tagged = await execa('docker', ['build', '-q', '-t', `devenv-e2e-decoy-${prefix}:1`, dir], { env });
  decoys.push(tagged.stdout.trim());
});

afterAll(async () => {
  await reapBranchPrefix(prefix);
  for (const id of [...(await imagesMarked(`build-${prefix}`)), ...decoys].reverse())
    await docker
      .getImage(id)
      .remove({ force: true })
      .catch(() => undefined);
  await docker
    .getImage(`devenv-e2e-decoy-${prefix}:1`)
    .remove({ force: true })
    .catch(() => undefined);
  await Promise.all(projects.map((p) => p.remove()));
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function decoysStay(): Promise<void> {
  for (const id of decoys) expect(await docker.getImage(id).inspect()).toBeTruthy();
}

describe('a build killed with -9', () => {
  it('`gc` removes every image the build left, and never an image devenv did not build', async () => {
    const marker = `build-${prefix}-gc`;
    const cache = await cacheDir();
    await killMidBuild(`${prefix}-gc`, marker, cache);
    // The scenario is real: the build committed layers that nothing names.
    expect((await imagesMarked(marker)).length).toBeGreaterThan(0);

    const gc = await devenv(tmpdir(), ['gc'], { DEVENV_CACHE_DIR: cache });
    expect(gc.exitCode, gc.stdout + gc.stderr).toBe(0);
    expect(await imagesMarked(marker)).toEqual([]);
    await decoysStay();
  });

  it('`down` of the stack removes what its killed build left', async () => {
    const marker = `build-${prefix}-down`;
    const cache = await cacheDir();
    const dir = await killMidBuild(`${prefix}-down`, marker, cache);
    expect((await imagesMarked(marker)).length).toBeGreaterThan(0);

    const down = await devenv(dir, ['down', '--branch', `${prefix}-down`], { DEVENV_CACHE_DIR: cache });
    expect(down.exitCode, down.stdout + down.stderr).toBe(0);
    expect(await imagesMarked(marker)).toEqual([]);
    await decoysStay();
  });

  it('a finished build: the image carries one devenv label, and `down` removes it with its layers', async () => {
    const branch = `${prefix}-done`;
    const marker = `build-${prefix}-done`;
    const project = await tempProject({
      'compose.yaml': compose,
      Dockerfile: dockerfile(marker).replace('RUN sleep 30', 'RUN true'),
    });
    projects.push(project);
    const cache = await cacheDir();
    const up = await devenv(project.dir, ['up', '-d', '--branch', branch], { DEVENV_CACHE_DIR: cache });
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const config = await devenv(project.dir, ['config', '--json', '--branch', branch]);
    const stack = (JSON.parse(config.stdout) as { 'x-devenv': { stack: string } })['x-devenv'].stack;
    // Shared by every stack with the same inputs: the hash of its inputs, no stack label.
    const image = await docker.getImage(`devenv/${stack}/app:latest`).inspect();
    const labels = Object.keys(image.Config.Labels ?? {}).filter((key) => key.startsWith('dev.devenv.'));
    expect(labels).toEqual(['dev.devenv.build-inputs']);
    const down = await devenv(project.dir, ['down', '--branch', branch], { DEVENV_CACHE_DIR: cache });
    expect(down.exitCode, down.stderr).toBe(0);
    expect(await imagesMarked(marker)).toEqual([]);
    await decoysStay();
  });
});
