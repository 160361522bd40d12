/**
 * Which images devenv left behind and may remove (pure: the lists in, the
 * verdicts out, in an order that removes children before their parents).
 *
 * - Images an interrupted build committed: the build's record names them
 *   (each step's image, as the builder reported it), and the one image the
 *   engine may still commit for the step in flight when the client died (an
 *   untagged child of the last recorded image, created after the build
 *   began). Only records whose build is over (failed, or its process gone).
 * - Images with the stack label of a stack that has nothing left on the
 *   engine and is not being built or changed, older than a grace period.
 * - Images with devenv's labels but no stack label (a build that was killed
 *   between the builder's label steps), when no build is running, older
 *   than a grace period.
 * Never: tagged images named in no rule, images with children outside the
 * verdicts (parents of something still wanted), images without devenv labels
 * that no build record names, the shared images of `build:` services
 * (labelled dev.devenv.build-inputs; core/plan/shared-images.ts).
 */
import { LABEL_PREFIX, Labels } from '../stack/labels.js';

export interface ImageNode {
  id: string;
  /** repo:tag names; empty for dangling and intermediate images. */
  tags: string[];
  parentId?: string;
  /** ISO time. */
  createdAt?: string;
  labels: Record<string, string>;
}

export interface BuildTrace {
  id: string;
  stack: string;
  startedAt: string;
  images: string[];
  /** Failed, or its process is gone. */
  over: boolean;
}

/** A build record as the journal keeps it (contracts/build-journal.ts). */
export interface RecordedBuild {
  id: string;
  stack: string;
  startedAt: string;
  images: string[];
  /** The engine's endpoint; absent in records of older versions (taken as any engine's). */
  engine?: string;
  failed: boolean;
  live: boolean;
}

/**
 * The builds gc and down on the engine at `endpoint` look at. The journal is this machine's,
 * whatever engine a build ran on, and what an interrupted build left is on its own engine: a
 * record of another engine is neither acted on nor dropped here (its engine's gc does that);
 * one still running only guards its stack's images, as any running build does.
 */
export function buildTraces(records: readonly RecordedBuild[], endpoint: string): BuildTrace[] {
  return records
    .filter(
      (record) =>
        record.engine === undefined || record.engine === endpoint || (record.live && !record.failed),
    )
    .map((record) => ({
      id: record.id,
      stack: record.stack,
      startedAt: record.startedAt,
      images: record.images,
      over: record.failed || !record.live,
    }));
}

export interface ImageVerdict {
  image: ImageNode;
  reason: string;
  /** The stack it was built for, when known (its label, or the build record's). */
  stack?: string;
}

export interface LeftoverInput {
  images: ImageNode[];
  builds: BuildTrace[];
  /** Stacks with containers, networks or volumes. */
  liveStacks: ReadonlySet<string>;
  /** Only these stacks (down); every stack when undefined (gc). */
  stack?: string;
  /** Now (ms since the epoch) and how old an image found by its labels alone must be (gc). */
  now: number;
  graceMs: number;
}

/**
 * gc spares images found by labels alone for this long after they were created: another user's
 * `up` (whose locks and build records live in their own state directory) may have built one a
 * moment ago and be about to create its containers.
 */
export const LABELLED_IMAGE_GRACE_MS = 10 * 60_000;

const bare = (id: string) => id.replace(/^sha256:/, '');

function sameImage(id: string, recorded: string): boolean {
  const a = bare(id);
  const b = bare(recorded);
  return b.length >= 12 && (a.startsWith(b) || b.startsWith(a));
}

/** Seconds resolution: the engine reports image creation in whole seconds. */
function notBefore(createdAt: string | undefined, startedAt: string): boolean {
  const created = Date.parse(createdAt ?? '');
  const started = Date.parse(startedAt);
  return Number.isFinite(created) && Number.isFinite(started) && created >= Math.floor(started / 1000) * 1000;
}

export function imageLeftovers(input: LeftoverInput): ImageVerdict[] {
  const { images } = input;
  const verdicts = new Map<string, ImageVerdict>();
  const add = (image: ImageNode, reason: string, stack: string | undefined) => {
    if (!verdicts.has(image.id))
      verdicts.set(image.id, { image, reason, ...(stack !== undefined ? { stack } : {}) });
  };
  const untagged = (image: ImageNode) => image.tags.length === 0;
  const inScope = (stack: string | undefined) => input.stack === undefined || stack === input.stack;

  for (const build of input.builds) {
    if (!build.over || !inScope(build.stack)) continue;
    const recorded = images.filter((image) => build.images.some((id) => sameImage(image.id, id)));
    const recordedIds = new Set(recorded.map((image) => image.id));
    const reason = `left by an interrupted build of ${build.stack} (started ${build.startedAt})`;
    for (const image of recorded) if (untagged(image)) add(image, reason, build.stack);
    for (const image of images) {
      if (
        untagged(image) &&
        !recordedIds.has(image.id) &&
        image.parentId !== undefined &&
        recordedIds.has(image.parentId) &&
        notBefore(image.createdAt, build.startedAt)
      )
        add(image, reason, build.stack);
    }
  }

  const building = new Set(input.builds.filter((b) => !b.over).map((b) => b.stack));
  const settled = (image: ImageNode) => {
    const created = Date.parse(image.createdAt ?? '');
    return Number.isFinite(created) && input.now - created >= input.graceMs;
  };
  for (const image of images) {
    const stack = image.labels[Labels.stack];
    if (stack === undefined || !inScope(stack)) continue;
    if (input.liveStacks.has(stack) || building.has(stack) || !settled(image)) continue;
    add(image, `built for stack ${stack}, which has nothing left on the engine`, stack);
  }

  if (input.stack === undefined) {
    const liveBuilds = input.builds.filter((b) => !b.over);
    for (const image of images) {
      if (image.labels[Labels.stack] !== undefined || !untagged(image) || !settled(image)) continue;
      // Shared images have no stack label by design: core/plan/shared-images.ts decides about them.
      if (image.labels[Labels.buildInputs] !== undefined) continue;
      // Data-directory caches have their own rule (core/plan/data-cache-leftovers.ts).
      if (image.labels[Labels.dataCache] !== undefined) continue;
      if (!Object.keys(image.labels).some((key) => key.startsWith(LABEL_PREFIX))) continue;
      // A build running now passes through such images (label steps): leave what may be its own.
      if (liveBuilds.some((b) => notBefore(image.createdAt, b.startedAt))) continue;
      add(image, 'labelled by devenv without a stack (a build killed between its label steps)', undefined);
    }
  }

  // Children first; an image with a child that stays is not removed (it is a parent of something wanted).
  const children = new Map<string, string[]>();
  for (const image of images)
    if (image.parentId) children.set(image.parentId, [...(children.get(image.parentId) ?? []), image.id]);
  const ordered: ImageVerdict[] = [];
  const removable = new Map<string, boolean>();
  const visit = (id: string, seen: Set<string>): boolean => {
    const known = removable.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return false;
    seen.add(id);
    const verdict = verdicts.get(id);
    const ok = verdict !== undefined && (children.get(id) ?? []).every((child) => visit(child, seen));
    removable.set(id, ok);
    if (ok && verdict) ordered.push(verdict);
    return ok;
  };
  for (const id of verdicts.keys()) visit(id, new Set());
  return ordered;
}
