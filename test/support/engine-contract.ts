/**
 * The ContainerEngine contract as the app relies on it, one suite run against
 * the in-memory engine (unit, milliseconds) and the real Docker engine
 * (integration): label selection, the container lifecycle, name conflicts,
 * log streams that end when the container stops, removals of what is
 * already gone, and image tags. A fake that passes it may stand in for the
 * engine in app tests; any later engine must pass it too.
 */
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packFiles } from '../../src/adapters/docker/context-tar.js';
import type { ContainerEngine, ContainerRequest } from '../../src/contracts/engine.js';
import { isDevenvError } from '../../src/core/errors.js';
import type { ExecProgram } from './fakes/memory-exec.js';
import { digestOf, generatedBytes, hashingSink } from './byte-streams.js';

export interface EngineContractSubject {
  engine: ContainerEngine;
  /** A container request that runs until stopped and prints "hello" when started. */
  request(name: string, labels: Record<string, string>): ContainerRequest;
  /** Unique per run: names and labels of what the suite creates. */
  prefix: string;
  /** Makes a started container print "hello" (the real one prints it itself). */
  printHello(containerName: string): void;
  /** Teaches a fake what a command named so does (the real engine runs it). */
  program(name: string, run: ExecProgram): void;
  cleanup(): Promise<void>;
}

/** The stderr script of the contract, and what it does as a fake's program. */
const STDERR_SCRIPT =
  'i=0; while [ $i -lt 500 ]; do echo "line $i of stderr" >&2; i=$((i+1)); done; echo last words >&2; exit 3';
const stderrProgram: ExecProgram = async (io) => {
  for (let i = 0; i < 500; i++) io.writeError(`line ${i} of stderr\n`);
  io.writeError('last words\n');
  return 3;
};
const trueProgram: ExecProgram = async () => 0;

export function describeEngineContract(name: string, make: () => Promise<EngineContractSubject>): void {
  describe(`ContainerEngine contract: ${name}`, () => {
    let subject: EngineContractSubject;
    beforeAll(async () => {
      subject = await make();
    });
    afterAll(async () => {
      await subject.cleanup();
    });
    const stack = () => `${subject.prefix}-stack`;
    const labels = (extra: Record<string, string> = {}) => ({ 'dev.devenv.stack': stack(), ...extra });

    it('selects containers by label value and by label presence', async () => {
      const { engine } = subject;
      const a = await engine.createContainer(subject.request(`${subject.prefix}-a`, labels({ role: 'a' })));
      await engine.createContainer(subject.request(`${subject.prefix}-b`, labels({ role: 'b' })));
      const byValue = await engine.listContainers({ 'dev.devenv.stack': stack(), role: 'a' });
      expect(byValue.map((c) => c.id)).toEqual([a]);
      const byPresence = await engine.listContainers({ 'dev.devenv.stack': stack(), role: true });
      expect(byPresence.map((c) => c.name).sort()).toEqual([`${subject.prefix}-a`, `${subject.prefix}-b`]);
      expect(byValue[0]).toMatchObject({ state: 'created', labels: { role: 'a' } });
    });

    it('starts, publishes ports, follows logs until the container stops, and reports the exit', async () => {
      const { engine } = subject;
      const request = {
        ...subject.request(`${subject.prefix}-life`, labels()),
        ports: [{ containerPort: 6379, protocol: 'tcp' as const, hostIp: '127.0.0.1' }],
      };
      const id = await engine.createContainer(request);
      await engine.startContainer(id);
      subject.printHello(request.name);
      const running = await engine.inspectContainer(id);
      expect(running?.state).toBe('running');
      expect(running?.ports).toEqual([
        expect.objectContaining({ containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1' }),
      ]);
      expect(running?.ports[0]?.hostPort).toBeGreaterThan(0);
      const lines: string[] = [];
      const followed = engine.logs(id, { follow: true }, (line) => lines.push(line.text));
      for (let i = 0; i < 100 && !lines.includes('hello'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(lines).toContain('hello');
      await engine.stopContainer(id, 1);
      await followed;
      const stopped = await engine.inspectContainer(id);
      expect(stopped?.state).toBe('exited');
      expect(typeof stopped?.exitCode).toBe('number');
    });

    it('refuses a second container with a name in use, as a DevenvError', async () => {
      const { engine } = subject;
      const request = subject.request(`${subject.prefix}-twice`, labels());
      await engine.createContainer(request);
      const error = await engine.createContainer(request).catch((e: unknown) => e);
      expect(isDevenvError(error)).toBe(true);
    });

    it('treats what is already gone as removed, and inspects it as undefined', async () => {
      const { engine } = subject;
      const id = await engine.createContainer(subject.request(`${subject.prefix}-gone`, labels()));
      await engine.removeContainer(id, { force: true, volumes: true });
      await engine.removeContainer(id, { force: true, volumes: true });
      expect(await engine.inspectContainer(id)).toBeUndefined();
      await engine.removeVolume(`${subject.prefix}-never-made`);
    });

    it('tags an image under a second name; removing that name leaves the image; a missing source is false', async () => {
      const { engine } = subject;
      const image = subject.request(`${subject.prefix}-unused`, labels()).image;
      const tag = `${subject.prefix}-tagged/image:1`;
      try {
        expect(await engine.tagImage(image, tag)).toBe(true);
        const original = await engine.inspectImage(image);
        expect((await engine.inspectImage(tag))?.id).toBe(original?.id);
        // By id too, and again: moving a tag onto the image it names is no change.
        expect(await engine.tagImage(original!.id, tag)).toBe(true);
        await engine.removeImage(tag);
        expect(await engine.inspectImage(tag)).toBeUndefined();
        expect((await engine.inspectImage(image))?.id).toBe(original?.id);
        expect(await engine.tagImage(`${subject.prefix}-missing/image:1`, `${tag}0`)).toBe(false);
      } finally {
        await engine.removeImage(tag);
      }
    });

    it('creates, selects and removes networks by id and volumes by name', async () => {
      const { engine } = subject;
      const network = await engine.createNetwork(`${subject.prefix}-net`, labels());
      const volume = await engine.createVolume(`${subject.prefix}-vol`, labels());
      expect((await engine.listNetworks(labels())).map((n) => n.id)).toEqual([network]);
      expect((await engine.listVolumes(labels())).map((v) => v.name)).toEqual([volume]);
      await engine.removeNetwork(network);
      await engine.removeVolume(volume);
      expect(await engine.listNetworks(labels())).toEqual([]);
      expect(await engine.listVolumes(labels())).toEqual([]);
    });

    it('says whether a path exists in a created container', async () => {
      const { engine } = subject;
      const id = await engine.createContainer({
        ...subject.request(`${subject.prefix}-paths`, labels()),
        files: [{ path: '/etc/devenv-contract/hello.txt', content: 'hello', mode: 0o644 }],
      });
      expect(await engine.pathExists(id, '/etc/devenv-contract/hello.txt')).toBe(true);
      expect(await engine.pathExists(id, '/etc/devenv-contract')).toBe(true);
      expect(await engine.pathExists(id, '/etc/devenv-contract/missing.txt')).toBe(false);
    });

    it('imports an image from a tar with labels, fills a volume from it, and leaves no container', async () => {
      const { engine } = subject;
      const ref = `${subject.prefix}-import:1`;
      const tar = packFiles([{ path: '/data/hello.txt', content: 'hello', mode: 0o644 }]);
      const id = await engine.importImage(tar, ref, labels({ role: 'cache' }));
      try {
        expect((await engine.inspectImage(ref))?.id).toBe(id);
        const listed = await engine.listImages({ 'dev.devenv.stack': stack(), role: 'cache' });
        expect(listed.map((image) => image.id)).toEqual([id]);
        const volume = await engine.createVolume(`${subject.prefix}-filled`, labels());
        const containers = (await engine.listContainers(labels())).length;
        await engine.fillVolumeFromImage(volume, ref, '/data', labels());
        expect(await engine.listContainers(labels())).toHaveLength(containers);
        const missing = await engine
          .fillVolumeFromImage(volume, `${subject.prefix}-never-imported:1`, '/data', labels())
          .catch((e: unknown) => e);
        expect(isDevenvError(missing)).toBe(true);
        await engine.removeVolume(volume);
      } finally {
        await engine.removeImage(ref);
      }
      expect(await engine.inspectImage(ref)).toBeUndefined();
    });

    describe('streaming exec', () => {
      let running: string;
      beforeAll(async () => {
        running = await subject.engine.createContainer(subject.request(`${subject.prefix}-stream`, labels()));
        await subject.engine.startContainer(running);
        subject.program('sh', stderrProgram);
        subject.program('true', trueProgram);
      });

      it('streams stdin through a command and its stdout back, and reports the exit code', async () => {
        const size = 5 * 1024 * 1024;
        const sink = hashingSink();
        const result = await subject.engine.execStream(running, ['cat'], {
          stdin: generatedBytes(size),
          stdout: sink,
        });
        expect(result).toMatchObject({ exitCode: 0, stdoutBytes: size, stdinBytes: size, stderr: '' });
        expect(sink.digest()).toBe(await digestOf(generatedBytes(size)));
      });

      it("keeps stderr's last bytes and the exit code of a failing command", async () => {
        const result = await subject.engine.execStream(running, ['sh', '-c', STDERR_SCRIPT], {
          stdout: hashingSink(),
          stderrLimit: 1024,
        });
        expect(result.exitCode).toBe(3);
        expect(result.stderrTruncated).toBe(true);
        expect(result.stderr.length).toBeLessThanOrEqual(1024);
        expect(result.stderr).toMatch(/line 499 of stderr\nlast words\n$/);
      });

      it('resolves when the command exits before reading its stdin', async () => {
        const stdin = generatedBytes(16 * 1024 * 1024);
        const result = await subject.engine.execStream(running, ['true'], { stdin, stdout: hashingSink() });
        stdin.destroy();
        expect(result.exitCode).toBe(0);
      });

      it('ends the command when the signal aborts, rejecting with INTERRUPTED', async () => {
        const stdin = new PassThrough();
        const sink = hashingSink();
        const controller = new AbortController();
        const running$ = subject.engine.execStream(running, ['cat'], {
          stdin,
          stdout: sink,
          signal: controller.signal,
        });
        stdin.write('ping\n');
        for (let i = 0; i < 100 && sink.bytes === 0; i++) await new Promise((r) => setTimeout(r, 50));
        expect(sink.text()).toBe('ping\n');
        // cat's stdin never ends: only the abort can settle this.
        controller.abort();
        const error = await running$.catch((e: unknown) => e);
        expect(isDevenvError(error) && error.code).toBe('INTERRUPTED');
      });

      it('rejects with the error of a destination that fails', async () => {
        const broken = new Writable({
          write(_chunk, _encoding, done) {
            done(new Error('disk full'));
          },
        });
        broken.on('error', () => undefined);
        const error = await subject.engine
          .execStream(running, ['cat'], { stdin: generatedBytes(1024 * 1024), stdout: broken })
          .catch((e: unknown) => e);
        expect((error as Error).message).toBe('disk full');
      });

      it('refuses a container that is not running, as a DevenvError', async () => {
        const created = await subject.engine.createContainer(
          subject.request(`${subject.prefix}-stream-stopped`, labels()),
        );
        const error = await subject.engine
          .execStream(created, ['cat'], { stdout: hashingSink() })
          .catch((e: unknown) => e);
        expect(isDevenvError(error)).toBe(true);
      });
    });
  });
}
