/**
 * The build context's digest (the input shared images are named by): what the
 * engine would receive, and nothing else. Host files only; beside the
 * dockerignore tests because it walks the context the same way.
 */
import { chmod, cp, mkdtemp, mkdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digestBuildContext } from '../../../src/adapters/docker/context-digest.js';
import { isDevenvError } from '../../../src/core/errors.js';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function context(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'devenv-digest-'));
  dirs.push(dir);
  await mkdir(join(dir, 'src'));
  await mkdir(join(dir, 'node_modules', 'left-pad'), { recursive: true });
  await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
  await writeFile(join(dir, '.dockerignore'), 'node_modules\n*.log\n');
  await writeFile(join(dir, 'src', 'main.js'), 'console.log(1)\n');
  await writeFile(join(dir, 'node_modules', 'left-pad', 'index.js'), '//\n');
  await symlink('src/main.js', join(dir, 'main.js'));
  return dir;
}

describe('digestBuildContext', () => {
  it('is the same for a copy with other mtimes (a second checkout of the same files)', async () => {
    const a = await context();
    const b = await mkdtemp(join(tmpdir(), 'devenv-digest-'));
    dirs.push(b);
    await cp(a, b, { recursive: true, verbatimSymlinks: true });
    await utimes(join(b, 'src', 'main.js'), new Date(0), new Date(0));
    expect(await digestBuildContext(b, 'Dockerfile')).toBe(await digestBuildContext(a, 'Dockerfile'));
  });

  it('changes with what the build sees: bytes, a new file, a mode, a symlink target, the Dockerfile', async () => {
    const dir = await context();
    const digests = [await digestBuildContext(dir, 'Dockerfile')];
    const changes = [
      () => writeFile(join(dir, 'src', 'main.js'), 'console.log(2)\n'),
      () => writeFile(join(dir, 'src', 'extra.js'), ''),
      () => chmod(join(dir, 'src', 'extra.js'), 0o755),
      () => mkdir(join(dir, 'empty')),
      async () => {
        await rm(join(dir, 'main.js'));
        await symlink('src/extra.js', join(dir, 'main.js'));
      },
      () => writeFile(join(dir, 'Dockerfile'), 'FROM scratch\nCOPY src /app\n'),
    ];
    for (const change of changes) {
      await change();
      digests.push(await digestBuildContext(dir, 'Dockerfile'));
    }
    expect(new Set(digests).size).toBe(digests.length);
  });

  it('does not change with what .dockerignore leaves out', async () => {
    const dir = await context();
    const before = await digestBuildContext(dir, 'Dockerfile');
    await writeFile(join(dir, 'node_modules', 'left-pad', 'index.js'), '// changed\n');
    await writeFile(join(dir, 'debug.log'), 'noise\n');
    expect(await digestBuildContext(dir, 'Dockerfile')).toBe(before);
    // The Dockerfile is sent even when ignored, so it still counts.
    await writeFile(join(dir, '.dockerignore'), 'node_modules\n*.log\nDockerfile\n');
    const ignoringDockerfile = await digestBuildContext(dir, 'Dockerfile');
    await writeFile(join(dir, 'Dockerfile'), 'FROM scratch\n');
    expect(await digestBuildContext(dir, 'Dockerfile')).not.toBe(ignoringDockerfile);
  });

  it('a context that cannot be read is IMAGE_BUILD_FAILED', async () => {
    const error = await digestBuildContext(join(tmpdir(), 'devenv-no-such-context'), 'Dockerfile').catch(
      (e: unknown) => e,
    );
    expect(isDevenvError(error) && error.code).toBe('IMAGE_BUILD_FAILED');
  });
});
