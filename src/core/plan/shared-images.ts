/**
 * Which tags of the shared images devenv built (core/plan/build-inputs.ts) go,
 * and which images stay because a stack still uses them (pure: the engine's
 * images in, the removals out, per image in the order to carry them out).
 *
 * A stack uses a shared image while its stack reference
 * (`devenv/<stack>/<service>:latest`) tags it: `up` adds that tag before it
 * creates any container, and `down` removes it.
 *
 * - down of stack S: S's references go; an image S referenced that no other
 *   stack references loses its content tags too (the last tag removed
 *   removes the image). One that another stack references stays, named as
 *   kept with those stacks.
 * - gc: references of stacks that have nothing left on the engine go; an
 *   image no stack references loses its content tags, and an untagged one
 *   (its content tag moved to a rebuild) is removed by id. gc touches only
 *   images that were neither created nor tagged within the grace period: a
 *   tag is what an `up` in progress (perhaps another user's, whose locks
 *   devenv cannot see) adds first.
 * Never forced: the engine refuses to remove an image a container uses, so a
 * container still running an image no tag names keeps it.
 */
import { stackImageRef } from '../stack/identity.js';
import { Labels } from '../stack/labels.js';
import { isContentImageTag } from './build-inputs.js';

export interface SharedImageNode {
  id: string;
  tags: string[];
  labels: Record<string, string>;
  /** ISO times: when it was built, and when it was last tagged (a stack reference added). */
  createdAt?: string;
  lastTaggedAt?: string;
}

export interface SharedImageInput {
  /** Images on the engine; those without the build-inputs label are ignored. */
  images: SharedImageNode[];
  /** Stacks with containers, networks or volumes on the engine. */
  liveStacks: ReadonlySet<string>;
  /** down: the stack being removed; gc when undefined. */
  stack?: string;
  now: number;
  /** gc: how long since an image was created or tagged before it is touched. */
  graceMs: number;
}

export interface SharedImageStep {
  image: SharedImageNode;
  /** Stack references to remove, each under its stack's lock (gc). */
  references: { tag: string; stack: string }[];
  /** Then, when every reference is gone: the content tags (or the id of an untagged image) to remove. */
  release: string[];
  reason: string;
  /** Stacks whose references keep the image (nothing in `release` then). */
  keptFor: string[];
}

function settled(image: SharedImageNode, now: number, graceMs: number): boolean {
  const times = [image.createdAt, image.lastTaggedAt].map((t) => Date.parse(t ?? ''));
  if (times.every((t) => !Number.isFinite(t))) return false;
  const latest = Math.max(...times.filter(Number.isFinite));
  return now - latest >= graceMs;
}

export function sharedImageSteps(input: SharedImageInput): SharedImageStep[] {
  const steps: SharedImageStep[] = [];
  for (const image of input.images) {
    if (image.labels[Labels.buildInputs] === undefined) continue;
    const references = image.tags.flatMap((tag) => {
      const ref = stackImageRef(tag);
      return ref ? [{ tag, stack: ref.stack }] : [];
    });
    const contentTags = image.tags.filter(isContentImageTag);
    const foreignTags = image.tags.length - references.length - contentTags.length;
    let going: typeof references;
    let reason: string;
    if (input.stack !== undefined) {
      const stack = input.stack;
      going = references.filter((r) => r.stack === stack);
      if (going.length === 0) continue; // not an image this stack used
      reason = `no stack uses it after ${stack}`;
    } else {
      if (!settled(image, input.now, input.graceMs)) continue;
      going = references.filter((r) => !input.liveStacks.has(r.stack));
      reason =
        going.length > 0
          ? `no stack uses it (${[...new Set(going.map((r) => r.stack))].join(', ')}: nothing left on the engine)`
          : 'no stack uses it';
    }
    const keptFor = [
      ...new Set(references.filter((r) => !going.some((g) => g.tag === r.tag)).map((r) => r.stack)),
    ].sort();
    // An untagged one (gc): by id. Tags devenv did not give (someone's `docker tag`) are left; the
    // image then stays under them.
    const release =
      keptFor.length > 0
        ? []
        : image.tags.length === 0 && input.stack === undefined
          ? [image.id]
          : contentTags;
    if (going.length === 0 && release.length === 0) continue;
    steps.push({
      image,
      references: going,
      release,
      reason: foreignTags > 0 && keptFor.length === 0 ? `${reason}; kept under its other tags` : reason,
      keptFor,
    });
  }
  return steps;
}
