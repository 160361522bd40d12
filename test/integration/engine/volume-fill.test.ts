/**
 * The engine's own copy behind the Postgres data cache (fillVolumeFromImage):
 * an imported image's directory lands in an empty volume with its owners and
 * modes, and a volume that has content is left exactly as it is.
 */
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILL_POOL_HELPER, fillPoolVolume } from '../../../src/adapters/docker/clients/fill-pool.js';
import { startTestRun, type TestRun } from './test-run.js';

let run: TestRun;
beforeAll(async () => {
  run = await startTestRun('fill');
});
afterAll(async () => {
  await run?.cleanup();
});

interface Entry {
  name: string;
  type: 'file' | 'directory';
  mode: number;
  uid: number;
  gid: number;
  content?: string;
}

function pack(entries: Entry[]): Readable {
  const packer = tar.pack();
  for (const entry of entries) packer.entry({ ...entry }, entry.content ?? undefined);
  packer.finalize();
  return packer;
}

/** What the volume holds, as the engine archives it from a container that mounts it. */
async function volumeContent(volume: string): Promise<Map<string, Omit<Entry, 'name' | 'type'>>> {
  const id = await run.engine.createContainer(
    run.container({
      name: run.name(`reader-${volume.slice(-6)}`),
      mounts: [{ type: 'volume', source: volume, target: '/mnt/v', readOnly: true }],
    }),
  );
  const extract = tar.extract();
  const found = new Map<string, Omit<Entry, 'name' | 'type'>>();
  extract.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => {
      found.set(header.name.replace(/\/$/, ''), {
        mode: (header.mode ?? 0) & 0o7777,
        uid: header.uid ?? -1,
        gid: header.gid ?? -1,
        content: Buffer.concat(chunks).toString('utf8'),
      });
      next();
    });
  });
  const done = new Promise((resolve, reject) => extract.on('finish', resolve).on('error', reject));
  (await run.engine.copyFromContainer(id, '/mnt/v')).pipe(extract);
  await done;
  await run.engine.removeContainer(id, { force: true, volumes: false });
  return found;
}

describe('fillVolumeFromImage on the Docker engine', () => {
  it("copies the image's directory into an empty volume with owners and modes; leaves a full one alone", async () => {
    const first = `${run.name('first')}:1`;
    const second = `${run.name('second')}:1`;
    await run.engine.importImage(
      pack([
        { name: 'data', type: 'directory', mode: 0o700, uid: 999, gid: 998 },
        { name: 'data/PG_VERSION', type: 'file', mode: 0o600, uid: 999, gid: 998, content: '15\n' },
        { name: 'data/base', type: 'directory', mode: 0o700, uid: 999, gid: 998 },
      ]),
      first,
      run.labels,
    );
    await run.engine.importImage(
      pack([{ name: 'data/other', type: 'file', mode: 0o644, uid: 0, gid: 0, content: 'other' }]),
      second,
      run.labels,
    );
    const volume = await run.engine.createVolume(run.name('target'), run.labels);
    await run.engine.fillVolumeFromImage(volume, first, '/data', run.labels);
    const filled = await volumeContent(volume);
    expect(filled.get('v')).toMatchObject({ mode: 0o700, uid: 999, gid: 998 });
    expect(filled.get('v/PG_VERSION')).toMatchObject({ mode: 0o600, uid: 999, gid: 998, content: '15\n' });
    expect(filled.get('v/base')).toMatchObject({ mode: 0o700, uid: 999 });

    await run.engine.fillVolumeFromImage(volume, second, '/data', run.labels);
    const after = await volumeContent(volume);
    expect([...after.keys()].sort()).toEqual(['v', 'v/PG_VERSION', 'v/base']);
    expect(
      await run.docker.listContainers({ all: true, filters: { label: [`dev.devenv.test-run=${run.id}`] } }),
    ).toEqual([]);
  });
});

/**
 * The fill pool (a tools image given): after a fill, the engine's helper makes a copy ready in
 * the background; the next fill of the same image and path moves that copy in (the files keep
 * their inodes: moved, not copied) and comes out the same as the engine's own copy.
 */
describe('fillVolumeFromImage with a fill pool', () => {
  const TOOLS = 'devenv-test/debian-base:bookworm';
  const pools: string[] = [];
  afterAll(async () => {
    for (const pool of pools) await run.engine.removeVolume(pool).catch(() => undefined);
  });

  /** Runs a command in the pool's helper container; its trimmed output, or undefined when it failed. */
  async function inHelper(command: string[]): Promise<string | undefined> {
    const result = await run.engine.exec(FILL_POOL_HELPER, command);
    return result.exitCode === 0 ? result.output.trim() : undefined;
  }
  const inode = (volume: string, path: string) =>
    inHelper(['stat', '-c', '%i', `/devenv-volumes/${volume}/_data/${path}`]);

  async function untilReady(pool: string): Promise<string> {
    for (let i = 0; i < 300; i++) {
      const ready = await inode(pool, 'ready/PG_VERSION');
      if (ready !== undefined) return ready;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no ready copy in ${pool} within 30 s`);
  }

  it("moves the ready copy into the next new volume, the same as the engine's copy; never into a full one", async () => {
    const image = `${run.name('pooled')}:1`;
    await run.engine.importImage(
      pack([
        { name: 'data', type: 'directory', mode: 0o700, uid: 999, gid: 998 },
        { name: 'data/PG_VERSION', type: 'file', mode: 0o600, uid: 999, gid: 998, content: '15\n' },
        { name: 'data/.hidden', type: 'file', mode: 0o640, uid: 999, gid: 998, content: 'dot' },
        { name: 'data/base', type: 'directory', mode: 0o700, uid: 999, gid: 998 },
        { name: 'data/base/1', type: 'file', mode: 0o600, uid: 999, gid: 998, content: 'rows' },
      ]),
      image,
      run.labels,
    );
    const imageId = (await run.engine.inspectImage(image))!.id;
    const pool = fillPoolVolume(imageId, '/data');
    pools.push(pool);
    const fill = (volume: string) =>
      run.engine.fillVolumeFromImage(volume, image, '/data', run.labels, { toolsImage: TOOLS });

    // No ready copy yet: the engine copies, and a copy is made ready for the next fill.
    const first = await run.engine.createVolume(run.name('pool-first'), run.labels);
    await fill(first);
    const engineCopy = await volumeContent(first);
    expect(engineCopy.get('v')).toMatchObject({ mode: 0o700, uid: 999, gid: 998 });
    const readyInode = await untilReady(pool);

    const second = await run.engine.createVolume(run.name('pool-second'), run.labels);
    await fill(second);
    expect(await inode(second, 'PG_VERSION')).toBe(readyInode);
    expect(await volumeContent(second)).toEqual(engineCopy);

    // A volume with content is left as it is, and the next ready copy stays for a new one.
    const nextReady = await untilReady(pool);
    await fill(second);
    expect(await inode(second, 'PG_VERSION')).toBe(readyInode);
    expect(await inode(pool, 'ready/PG_VERSION')).toBe(nextReady);

    // Two fills at once: one takes the ready copy, the other gets the engine's; both complete.
    const [third, fourth] = await Promise.all(
      ['pool-third', 'pool-fourth'].map((name) => run.engine.createVolume(run.name(name), run.labels)),
    );
    await Promise.all([fill(third!), fill(fourth!)]);
    expect(await volumeContent(third!)).toEqual(engineCopy);
    expect(await volumeContent(fourth!)).toEqual(engineCopy);
    const moved = [await inode(third!, 'PG_VERSION'), await inode(fourth!, 'PG_VERSION')];
    expect(moved.filter((found) => found === nextReady)).toHaveLength(1);
  });
});
