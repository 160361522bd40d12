/**
 * Images shared across stacks: a `build:` service's image is named by the
 * content of what its build reads, so a second branch (a second stack) whose
 * inputs are the same finds the image already there and starts without a
 * build.
 *
 * - The content tag is `devenv/<project>-<service>:<hash>`. The hash covers
 *   the build context as the engine receives it (the files .dockerignore lets
 *   through: paths, types, permission bits, symlink targets and bytes, as one
 *   digest from the adapter that also packs the context), the Dockerfile's
 *   path, build args, target, platform and the template's build labels. Not
 *   mtimes: a second checkout of the same commit has new ones, and the
 *   classic builder's own cache ignores them too (tarsum v1). Not the base
 *   image: like compose, an image that exists is used until `--build`
 *   rebuilds it (a new base then gives it a new id under the same tag).
 *   The project and service in the name are for people; the hash decides.
 * - The image carries one devenv label, `dev.devenv.build-inputs=<hash>`, and
 *   no stack label: many stacks share it. One label, because the classic
 *   builder adds each build label as a step of its own after the Dockerfile's
 *   last (see imageLabels in app/up.ts): what a build killed between steps
 *   leaves is named by its build record, never half-labelled.
 * - Each stack that uses it adds its own tag, the stack reference
 *   `devenv/<stack>/<service>:latest` (resourceNames.image), and its
 *   containers run that reference. Which stacks use a shared image is read
 *   from the engine as those tags (core/plan/shared-images.ts): a stack's
 *   tag is there from the moment its `up` picks the image, before any of its
 *   containers exist (with depends_on that can be seconds), so a `down` of
 *   another stack in that window sees the image as used. Containers alone
 *   could not tell, and a lease kept in this machine's state directory would
 *   not be seen by another user's devenv on the same engine. A container that
 *   still runs an image no tag names any more is protected by the engine,
 *   which refuses to remove an image a container uses (devenv never forces).
 */
import { createHash } from 'node:crypto';
import { IMAGE_NAMESPACE, distinctNamePart, sanitizeNamePart } from '../stack/identity.js';

export interface BuildInputs {
  /** Digest of the build context as sent (adapter: the same walk and .dockerignore rules as the tar). */
  contextDigest: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  args: Readonly<Record<string, string>>;
  target?: string;
  platform?: string;
  /** The template's build labels (devenv's own label is derived from the hash, so not an input). */
  labels: Readonly<Record<string, string>>;
}

/** Hex characters of the inputs' sha256 in the tag: 64 bits, ample for one engine's images. */
export const BUILD_INPUTS_HASH_LENGTH = 16;

/** Changes when what the hash covers changes, so older images are never taken for newer inputs. */
const SCHEME = 'devenv-build-inputs-v1';

function sortedEntries(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function buildInputsHash(inputs: BuildInputs): string {
  // JSON of fixed-order fields: no separator inside a value can make two inputs hash alike.
  const canonical = JSON.stringify([
    SCHEME,
    inputs.contextDigest,
    inputs.dockerfile.replace(/\\/g, '/').replace(/^\.\//, ''),
    sortedEntries(inputs.args),
    inputs.target ?? null,
    inputs.platform ?? null,
    sortedEntries(inputs.labels),
  ]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, BUILD_INPUTS_HASH_LENGTH);
}

/** `devenv/<project>-<service>`: the repository of a service's content tags. */
export function contentImageRepo(project: string, service: string): string {
  return `${IMAGE_NAMESPACE}/${sanitizeNamePart(project, 40)}-${distinctNamePart(service)}`;
}

/** `devenv/<project>-<service>:<hash>`: two path components, so never a stack reference. */
export function contentImageTag(project: string, service: string, hash: string): string {
  return `${contentImageRepo(project, service)}:${hash}`;
}

/** Whether a tag is a content tag devenv gives (contentImageTag). */
export function isContentImageTag(tag: string): boolean {
  return new RegExp(`^${IMAGE_NAMESPACE}/[a-z0-9][a-z0-9_.-]*:[0-9a-f]{${BUILD_INPUTS_HASH_LENGTH}}$`).test(
    tag,
  );
}
