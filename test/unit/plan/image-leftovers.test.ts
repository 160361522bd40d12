import { describe, expect, it } from 'vitest';
import {
  buildTraces,
  imageLeftovers,
  type BuildTrace,
  type ImageNode,
  type RecordedBuild,
} from '../../../src/core/plan/image-leftovers.js';

const started = '2024-05-01T10:00:00.500Z';
const at = (seconds: number) => new Date(Date.parse('2024-05-01T10:00:00Z') + seconds * 1000).toISOString();

function image(id: string, parentId?: string, extra: Partial<ImageNode> = {}): ImageNode {
  return {
    id: `sha256:${id.padEnd(64, '0')}`,
    tags: [],
    labels: {},
    createdAt: at(5),
    ...(parentId ? { parentId: `sha256:${parentId.padEnd(64, '0')}` } : {}),
    ...extra,
  };
}

/** gc an hour after the images were made, with a 10-minute grace. */
const clock = { now: Date.parse(at(3600)), graceMs: 600_000 };
const short = (id: string) => id.padEnd(64, '0').slice(0, 12);

// base <- a1 <- a2 (recorded by the build) <- a3 (committed after the client died: not recorded)
const base = image('ba5e', undefined, { tags: ['devenv-test/debian-base:bookworm'], createdAt: at(-999) });
const a1 = image('a1', 'ba5e');
const a2 = image('a2', 'a1');
const a3 = image('a3', 'a2');
const decoy = image('dec0', 'ba5e'); // someone else's dangling image on the same base
const build = (over: boolean, images = [short('a1'), short('a2')]): BuildTrace => ({
  id: 'b1',
  stack: 's1',
  startedAt: started,
  images,
  over,
});
const ids = (verdicts: { image: ImageNode }[]) => verdicts.map((v) => v.image.id.slice(7, 11));

describe('imageLeftovers', () => {
  it('an interrupted build: its recorded layers and the last step committed after it died, children first', () => {
    const verdicts = imageLeftovers({
      images: [base, a1, a2, a3, decoy],
      builds: [build(true)],
      liveStacks: new Set(),
      ...clock,
    });
    expect(ids(verdicts)).toEqual(['a300', 'a200', 'a100']);
    expect(verdicts.every((v) => v.stack === 's1')).toBe(true);
  });

  it('a build still running: nothing of it', () => {
    expect(
      imageLeftovers({ images: [base, a1, a2, a3], builds: [build(false)], liveStacks: new Set(), ...clock }),
    ).toEqual([]);
  });

  it('never a tagged image, nor a layer another image still builds on', () => {
    const tagged = { ...a2, tags: ['mine:latest'] };
    const child = image('c1', 'a1', { tags: ['someone/else:1'] });
    expect(
      ids(
        imageLeftovers({
          images: [base, a1, tagged, child],
          builds: [build(true)],
          liveStacks: new Set(),
          ...clock,
        }),
      ),
    ).toEqual([]);
  });

  it('not an unrecorded child created before the build began', () => {
    const old = image('0d', 'a2', { createdAt: at(-10) });
    expect(
      ids(imageLeftovers({ images: [a1, a2, old], builds: [build(true)], liveStacks: new Set(), ...clock })),
    ).toEqual([]);
  });

  it('images of a stack with nothing left, unless the stack is live or being built', () => {
    const built = image('f1', 'a2', { tags: ['devenv-s1-app:latest'], labels: { 'dev.devenv.stack': 's1' } });
    const other = image('f2', 'a2', { tags: ['devenv-s2-app:latest'], labels: { 'dev.devenv.stack': 's2' } });
    const verdicts = imageLeftovers({
      images: [a2, built, other],
      builds: [],
      liveStacks: new Set(['s2']),
      ...clock,
    });
    expect(ids(verdicts)).toEqual(['f100']);
    const building = imageLeftovers({
      images: [a2, built],
      builds: [{ ...build(false), stack: 's1' }],
      liveStacks: new Set(),
      ...clock,
    });
    expect(building).toEqual([]);
  });

  it('images labelled by devenv without a stack label (a build killed between label steps), when no build runs', () => {
    const partial = image('9a', 'a2', { labels: { 'dev.devenv.branch': 'feature' } });
    const input = { images: [a2, partial], liveStacks: new Set<string>(), ...clock };
    expect(ids(imageLeftovers({ ...input, builds: [] }))).toEqual(['9a00']);
    expect(imageLeftovers({ ...input, builds: [build(false, [])] })).toEqual([]);
  });

  it('down: only its own stack', () => {
    const verdicts = imageLeftovers({
      images: [base, a1, a2, decoy],
      builds: [build(true), { ...build(true, [short('dec0')]), id: 'b2', stack: 's2' }],
      liveStacks: new Set(),
      ...clock,
      stack: 's2',
    });
    expect(ids(verdicts)).toEqual(['dec0']);
  });

  it('never an unlabelled image no record names', () => {
    expect(
      imageLeftovers({ images: [base, decoy], builds: [build(true)], liveStacks: new Set(), ...clock }),
    ).toEqual([]);
  });

  it('gc spares images found by labels alone while they are fresh (another user may be about to use one)', () => {
    const built = image('f1', 'a2', { tags: ['devenv-s1-app:latest'], labels: { 'dev.devenv.stack': 's1' } });
    const fresh = { now: Date.parse(at(60)), graceMs: 600_000 };
    expect(imageLeftovers({ images: [a2, built], builds: [], liveStacks: new Set(), ...fresh })).toEqual([]);
  });

  it("looks at the build records of its own engine only; another engine's running build still guards", () => {
    const here = 'unix:///var/run/docker.sock';
    const record = (
      id: string,
      engine: string | undefined,
      failed: boolean,
      live: boolean,
    ): RecordedBuild => ({
      id,
      stack: 's1',
      startedAt: started,
      images: [short('a1'), short('a2')],
      ...(engine !== undefined ? { engine } : {}),
      failed,
      live,
    });
    const traces = buildTraces(
      [
        record('mine', here, true, false),
        record('older-version', undefined, true, false),
        record('remote-failed', 'tcp://10.0.0.5:2375', true, false),
        record('remote-gone', 'tcp://10.0.0.5:2375', false, false),
        record('remote-running', 'tcp://10.0.0.5:2375', false, true),
      ],
      here,
    );
    expect(traces.map((t) => [t.id, t.over])).toEqual([
      ['mine', true],
      ['older-version', true],
      ['remote-running', false],
    ]);
  });
});
