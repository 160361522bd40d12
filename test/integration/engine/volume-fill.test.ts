/**
 * The engine's own copy behind the Postgres data cache (fillVolumeFromImage):
 * an imported image's directory lands in an empty volume with its owners and
 * modes, and a volume that has content is left exactly as it is.
 */
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
