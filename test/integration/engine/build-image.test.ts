import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressUpdate } from '../../../src/contracts/engine.js';
import { DevenvError } from '../../../src/core/errors.js';
import { BASE_IMAGE, startTestRun, type TestRun } from './test-run.js';

let run: TestRun;
let contextDir: string;
const longName = `${'a-very-long-file-name-'.repeat(6)}é.txt`;
beforeAll(async () => {
  run = await startTestRun('build');
  contextDir = await mkdtemp(join(tmpdir(), 'devenv-build-'));
  await mkdir(join(contextDir, 'app'));
  await mkdir(join(contextDir, 'secrets'));
  await mkdir(join(contextDir, 'node_modules', 'left-pad'), { recursive: true });
  await writeFile(join(contextDir, 'app', 'main.txt'), 'main\n');
  await writeFile(join(contextDir, 'app', 'debug.log'), 'noise\n');
  await writeFile(join(contextDir, 'app', 'keep.log'), 'kept\n');
  await writeFile(join(contextDir, 'secrets', 'token'), 'do not send\n');
  await writeFile(join(contextDir, 'node_modules', 'left-pad', 'index.js'), '//\n');
  await writeFile(join(contextDir, 'local.env'), 'SECRET=1\n');
  await writeFile(join(contextDir, 'app', longName), 'long\n');
  await symlink('main.txt', join(contextDir, 'app', 'link.txt'));
  await writeFile(
    join(contextDir, '.dockerignore'),
    [
      '# comments are skipped',
      'secrets',
      '**/*.log',
      '!app/keep.log',
      'node_modules/',
      '*.env',
      'Dockerfile',
      '',
    ].join('\n'),
  );
  await writeFile(
    join(contextDir, 'Dockerfile'),
    [
      `FROM ${BASE_IMAGE}`,
      'ARG GREETING=unset',
      'RUN echo "greeting=$GREETING" > /greeting',
      'COPY . /ctx/',
      'CMD ["sleep", "infinity"]',
    ].join('\n'),
  );
});
afterAll(async () => {
  await run?.cleanup();
  if (contextDir) await rm(contextDir, { recursive: true, force: true });
});

describe('buildImage', () => {
  it('builds with args and labels, sends only what .dockerignore lets through, and streams the output', async () => {
    const tag = `devenv-test/build-${run.id}:1`;
    const updates: ProgressUpdate[] = [];
    const started = Date.now();
    const id = await run.engine.buildImage(
      { contextDir, dockerfile: 'Dockerfile', tag, args: { GREETING: 'hello' }, labels: run.labels },
      (update) => updates.push(update),
    );
    console.log(`build took ${Date.now() - started} ms`);
    expect(id).toMatch(/^sha256:/);
    expect(updates.some((u) => /^Step 1\/\d+ : FROM/.test(u.status))).toBe(true);

    const image = await run.engine.inspectImage(tag);
    expect(image?.id).toBe(id);
    expect(image?.labels).toMatchObject(run.labels);

    const container = await run.engine.createContainer(
      run.container({ name: run.name('built'), image: tag, command: undefined }),
    );
    await run.engine.startContainer(container);
    const listing = await run.engine.exec(container, ['sh', '-c', 'cd /ctx && find . -mindepth 1 | sort']);
    expect(listing.exitCode).toBe(0);
    const files = listing.output.trim().split('\n');
    // The Dockerfile is ignored yet was sent (the build ran); the engine drops it from COPY, as docker build does.
    expect(files).toEqual(
      [
        './.dockerignore',
        './app',
        `./app/${longName}`,
        './app/keep.log',
        './app/link.txt',
        './app/main.txt',
      ].sort(),
    );
    expect(
      (await run.engine.exec(container, ['cat', '/ctx/app/link.txt', `/ctx/app/${longName}`])).output,
    ).toBe('main\nlong\n');
    const greeting = await run.engine.exec(container, ['cat', '/greeting']);
    expect(greeting.output.trim()).toBe('greeting=hello');
  });

  it('builds a target stage', async () => {
    const dir = join(contextDir, 'multistage');
    await mkdir(dir);
    await writeFile(
      join(dir, 'build.Dockerfile'),
      [
        `FROM ${BASE_IMAGE} AS first`,
        'RUN echo first > /stage',
        `FROM ${BASE_IMAGE} AS second`,
        'RUN echo second > /stage',
      ].join('\n'),
    );
    const tag = `devenv-test/build-${run.id}:first`;
    await run.engine.buildImage(
      { contextDir: dir, dockerfile: 'build.Dockerfile', tag, args: {}, target: 'first', labels: run.labels },
      () => undefined,
    );
    const container = await run.engine.createContainer(
      run.container({ name: run.name('first'), image: tag }),
    );
    await run.engine.startContainer(container);
    expect((await run.engine.exec(container, ['cat', '/stage'])).output.trim()).toBe('first');
  });

  it('fails with IMAGE_BUILD_FAILED and the last output lines when a step fails', async () => {
    const dir = join(contextDir, 'failing');
    await mkdir(dir);
    await writeFile(
      join(dir, 'Dockerfile'),
      [`FROM ${BASE_IMAGE}`, 'RUN echo about-to-fail && exit 3'].join('\n'),
    );
    const tag = `devenv-test/build-${run.id}:failing`;
    const error = await run.engine
      .buildImage(
        { contextDir: dir, dockerfile: 'Dockerfile', tag, args: {}, labels: run.labels },
        () => undefined,
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('IMAGE_BUILD_FAILED');
    expect((error as DevenvError).message).toContain(tag);
    expect((error as DevenvError).message).toMatch(/returned a non-zero code: 3/);
    expect((error as DevenvError).details.join('\n')).toContain('about-to-fail');
    expect((error as DevenvError).hint).toBeTruthy();
  });
});
