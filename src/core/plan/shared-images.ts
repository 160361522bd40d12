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
 *   kept with those stacks. Older builds of S's services (content tags in
 *   the repositories of the images S references, left when a rebuild moved
 *   S's reference) that no stack references go too, as the dangling images
 *   of the per-stack tags devenv used before did.
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

const repoOf = (tag: string) => tag.slice(0, tag.lastIndexOf(':'));

/** down: the content repositories (devenv/<project>-<service>) of the images the stack references. */
function stackRepos(images: SharedImageNode[], stack: string): Set<string> {
  const repos = new Set<string>();
  for (const image of images)
    if (image.tags.some((tag) => stackImageRef(tag)?.stack === stack))
      for (const tag of image.tags.filter(isContentImageTag)) repos.add(repoOf(tag));
  return repos;
}

export function sharedImageSteps(input: SharedImageInput): SharedImageStep[] {
  const steps: SharedImageStep[] = [];
  const shared = input.images.filter((image) => image.labels[Labels.buildInputs] !== undefined);
  const repos = input.stack !== undefined ? stackRepos(shared, input.stack) : new Set<string>();
  for (const image of shared) {
    const references = image.tags.flatMap((tag) => {
      const ref = stackImageRef(tag);
      return ref ? [{ tag, stack: ref.stack }] : [];
    });
    const contentTags = image.tags.filter(isContentImageTag);
    const foreignTags = image.tags.length - references.length - contentTags.length;
    let going: typeof references;
    let reason: string;
    let releasable = contentTags;
    if (input.stack !== undefined) {
      const stack = input.stack;
      going = references.filter((r) => r.stack === stack);
      const ours = contentTags.filter((tag) => repos.has(repoOf(tag)));
      const olderBuild = references.length === 0 && ours.length > 0;
      if (going.length === 0 && !olderBuild) continue; // not an image this stack used
      // An older build: only this project's tags (another project with the same inputs keeps its own).
      if (olderBuild) releasable = ours;
      reason = olderBuild
        ? `an older build for ${stack} that no stack uses`
        : `no stack uses it after ${stack}`;
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
          : releasable;
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
