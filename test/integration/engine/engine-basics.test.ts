import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDocker, engineCandidates } from '../../../src/adapters/docker/connect.js';
import { DockerEngine } from '../../../src/adapters/docker/docker-engine.js';
import { DevenvError } from '../../../src/core/errors.js';
import { BASE_IMAGE, startTestRun, type TestRun } from './test-run.js';

let run: TestRun;
beforeAll(async () => {
  run = await startTestRun('basics');
});
afterAll(async () => {
  await run?.cleanup();
});

describe('connecting', () => {
  it('reports the engine, its versions and where published ports are reached', async () => {
    const info = await run.engine.info();
    expect(info.endpoint).toMatch(/^unix:\/\//);
    expect(info.serverVersion).toMatch(/^\d+\.\d+/);
    expect(info.apiVersion).toMatch(/^1\.\d+$/);
    expect(info.publishedHost).toBe('127.0.0.1');
  });

  it('connects through DockerEngine.connect with DOCKER_HOST=unix://', async () => {
    const engine = await DockerEngine.connect({ DOCKER_HOST: 'unix:///var/run/docker.sock' });
    expect((await engine.info()).endpoint).toBe('unix:///var/run/docker.sock');
  });

  it('fails with ENGINE_UNREACHABLE listing what was tried and how to start an engine', async () => {
    const error = await connectDocker({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('ENGINE_UNREACHABLE');
    expect((error as DevenvError).message).toContain('unix:///nonexistent/docker.sock');
    expect((error as DevenvError).hint).toMatch(/DOCKER_HOST/);

    const refused = await connectDocker({ DOCKER_HOST: 'tcp://127.0.0.1:1' }).catch((e: unknown) => e);
    expect((refused as DevenvError).code).toBe('ENGINE_UNREACHABLE');
    expect((refused as DevenvError).message).toContain('tcp://127.0.0.1:1');
  });

  it('tries the usual sockets without DOCKER_HOST, and the DOCKER_HOST host for tcp', () => {
    const local = engineCandidates({ XDG_RUNTIME_DIR: '/run/user/1000' }, '/home/dev').map((c) => c.endpoint);
    expect(local).toEqual([
      'unix:///var/run/docker.sock',
      'unix:///run/user/1000/docker.sock',
      'unix:///home/dev/.docker/run/docker.sock',
      'unix:///home/dev/.colima/default/docker.sock',
      'unix:///home/dev/.rd/docker.sock',
    ]);
    const [tcp] = engineCandidates({ DOCKER_HOST: 'tcp://build-box.lan:2375' }, '/home/dev');
    expect(tcp).toMatchObject({ endpoint: 'tcp://build-box.lan:2375', publishedHost: 'build-box.lan' });
    expect(tcp?.options).toMatchObject({ host: 'build-box.lan', port: '2375', protocol: 'http' });
    expect(() =>
      engineCandidates(
        { DOCKER_HOST: 'tcp://10.0.0.5:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/nonexistent' },
        '/h',
      ),
    ).toThrow(/\/nonexistent\/ca\.pem/);
  });
});

describe('images', () => {
  it('inspects a present image and reports an absent one as undefined', async () => {
    const image = await run.engine.inspectImage('devenv-test/postgres:15');
    expect(image).toBeDefined();
    expect(image?.id).toMatch(/^sha256:/);
    expect(image?.exposedPorts).toEqual(['5432/tcp']);
    expect(image?.volumes).toEqual(['/var/lib/postgresql/data']);
    expect(image?.entrypoint).toEqual(['docker-entrypoint.sh']);
    expect(image?.cmd).toEqual(['postgres']);
    expect(image?.env.PGDATA).toBe('/var/lib/postgresql/data');
    expect(await run.engine.inspectImage(`devenv-test/absent-${run.id}:nope`)).toBeUndefined();
  });

  it('fails to pull a nonexistent image with IMAGE_PULL_FAILED naming it and the registry error', async () => {
    const ref = `devenv-test-nonexistent/image-${run.id}:1`;
    const updates: unknown[] = [];
    const error = await run.engine.pullImage(ref, (u) => updates.push(u)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('IMAGE_PULL_FAILED');
    expect((error as DevenvError).message).toContain(ref);
    expect((error as DevenvError).message.length).toBeGreaterThan(`Could not pull image ${ref}: `.length);
    expect((error as DevenvError).hint).toMatch(/build/);
  });
});

describe('removing what is not there', () => {
  it('is not an error for containers, networks and volumes', async () => {
    const missing = `devenv-test-${run.id}-missing`;
    await expect(
      run.engine.removeContainer(missing, { force: true, volumes: true }),
    ).resolves.toBeUndefined();
    await expect(run.engine.stopContainer(missing, 1)).resolves.toBeUndefined();
    await expect(run.engine.removeNetwork(missing)).resolves.toBeUndefined();
    await expect(run.engine.removeVolume(missing)).resolves.toBeUndefined();
    expect(await run.engine.inspectContainer(missing)).toBeUndefined();
  });

  it('translates other engine errors into ENGINE_ERROR with the engine message', async () => {
    const error = await run.engine
      .createContainer(run.container({ name: run.name('bad'), image: `devenv-test/absent-${run.id}:nope` }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DevenvError);
    expect((error as DevenvError).code).toBe('ENGINE_ERROR');
    expect((error as DevenvError).message).toMatch(/No such image/i);
    expect((error as DevenvError).hint).toBeTruthy();
  });

  it('has the base image the other tests build on', async () => {
    expect(await run.engine.inspectImage(BASE_IMAGE)).toBeDefined();
  });
});
