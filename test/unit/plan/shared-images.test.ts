import { describe, expect, it } from 'vitest';
import { sharedImageSteps, type SharedImageNode } from '../../../src/core/plan/shared-images.js';

const at = (minutes: number) => new Date(Date.parse('2024-05-01T10:00:00Z') + minutes * 60_000).toISOString();
const hash = '0123456789abcdef';
const content = `devenv/shop-app:${hash}`;
const ref = (stack: string, service = 'app') => `devenv/${stack}/${service}:latest`;

function image(tags: string[], extra: Partial<SharedImageNode> = {}): SharedImageNode {
  return {
    id: `sha256:${'1'.repeat(64)}`,
    tags,
    labels: { 'dev.devenv.build-inputs': hash },
    createdAt: at(0),
    ...extra,
  };
}

/** gc an hour later, with a 10-minute grace. */
const gc = { now: Date.parse(at(60)), graceMs: 600_000 };
const down = (stack: string) => ({
  stack,
  now: Date.parse(at(60)),
  graceMs: 0,
  liveStacks: new Set<string>(),
});

describe('sharedImageSteps: down', () => {
  it('one of two stacks: its reference goes, the image stays for the other', () => {
    const steps = sharedImageSteps({ images: [image([content, ref('a'), ref('b')])], ...down('a') });
    expect(steps).toEqual([
      expect.objectContaining({ references: [{ tag: ref('a'), stack: 'a' }], release: [], keptFor: ['b'] }),
    ]);
  });

  it('the last stack: its reference, then the content tags (which removes the image)', () => {
    const steps = sharedImageSteps({
      images: [image([content, `devenv/shop-worker:${hash}`, ref('a'), ref('a', 'worker')])],
      ...down('a'),
    });
    expect(steps).toEqual([
      expect.objectContaining({
        references: [
          { tag: ref('a'), stack: 'a' },
          { tag: ref('a', 'worker'), stack: 'a' },
        ],
        release: [content, `devenv/shop-worker:${hash}`],
        keptFor: [],
      }),
    ]);
  });

  it('never an image the stack did not reference, nor another stack whose name it prefixes', () => {
    expect(sharedImageSteps({ images: [image([content, ref('a-b')])], ...down('a') })).toEqual([]);
    expect(sharedImageSteps({ images: [image([content])], ...down('a') })).toEqual([]);
  });

  it('leaves tags devenv did not give, and images without the build-inputs label', () => {
    const [step] = sharedImageSteps({ images: [image([content, ref('a'), 'mine:1'])], ...down('a') });
    expect(step?.release).toEqual([content]);
    expect(step?.reason).toMatch(/kept under its other tags/);
    expect(
      sharedImageSteps({ images: [image([content, ref('a')], { labels: { other: 'x' } })], ...down('a') }),
    ).toEqual([]);
  });

  it("older builds of the stack's services no stack references go; another project's tag on the same image stays", () => {
    const current = image([content, ref('a')], { id: `sha256:${'3'.repeat(64)}` });
    const older = image([`devenv/shop-app:${'f'.repeat(16)}`, `devenv/other-app:${'f'.repeat(16)}`]);
    expect(sharedImageSteps({ images: [current, older], ...down('a') })).toEqual([
      expect.objectContaining({ image: current, release: [content] }),
      expect.objectContaining({
        image: older,
        references: [],
        release: [`devenv/shop-app:${'f'.repeat(16)}`],
      }),
    ]);
    // One another stack references is that stack's, older or not; without a current image of the
    // stack in that repository, nothing says the older one was the stack's.
    const otherStacks = image([`devenv/shop-app:${'e'.repeat(16)}`, ref('b')], {
      id: `sha256:${'4'.repeat(64)}`,
    });
    expect(sharedImageSteps({ images: [current, otherStacks], ...down('a') })).toHaveLength(1);
    expect(sharedImageSteps({ images: [older], ...down('a') })).toEqual([]);
  });

  it('an image whose content tag moved (a forced rebuild): the reference alone, its last tag', () => {
    expect(sharedImageSteps({ images: [image([ref('a')])], ...down('a') })).toEqual([
      expect.objectContaining({ references: [{ tag: ref('a'), stack: 'a' }], release: [], keptFor: [] }),
    ]);
  });
});

describe('sharedImageSteps: gc', () => {
  it('references of stacks with nothing left go; a live stack keeps the image', () => {
    const steps = sharedImageSteps({
      images: [image([content, ref('gone'), ref('live')])],
      liveStacks: new Set(['live']),
      ...gc,
    });
    expect(steps).toEqual([
      expect.objectContaining({
        references: [{ tag: ref('gone'), stack: 'gone' }],
        release: [],
        keptFor: ['live'],
      }),
    ]);
  });

  it('an image no stack references: its content tags; an untagged one: by id', () => {
    const untagged = image([], { id: `sha256:${'2'.repeat(64)}` });
    const steps = sharedImageSteps({ images: [image([content]), untagged], liveStacks: new Set(), ...gc });
    expect(steps.map((s) => s.release)).toEqual([[content], [untagged.id]]);
  });

  it('spares images built or tagged within the grace period (an `up` may have just taken one)', () => {
    const fresh = image([content, ref('new')], { createdAt: at(-600), lastTaggedAt: at(55) });
    expect(sharedImageSteps({ images: [fresh], liveStacks: new Set(), ...gc })).toEqual([]);
    expect(
      sharedImageSteps({ images: [image([content], { createdAt: at(55) })], liveStacks: new Set(), ...gc }),
    ).toEqual([]);
    expect(
      sharedImageSteps({
        images: [image([content], { createdAt: undefined })],
        liveStacks: new Set(),
        ...gc,
      }),
    ).toEqual([]);
  });
});
