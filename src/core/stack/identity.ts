/**
 * A stack's identity: project + owner + branch, or an explicit stack name.
 * Names follow Docker's rules ([a-z0-9][a-z0-9_.-]*), are length-bounded and
 * carry a short hash of the unsanitized identity, so "feature/x" and
 * "feature-x" never share a stack.
 */
import { createHash } from 'node:crypto';

export interface StackIdentity {
  /** The stack name every resource is named after. */
  name: string;
  project: string;
  branch: string;
  owner: string;
  /** The devenv.yaml environment; dev when absent. */
  environment: string;
}

export interface IdentityInput {
  project: string;
  owner: string;
  branch: string;
  /** Any environment but dev is part of the name, so two environments of one branch never collide. */
  environment?: string;
  /** --stack: used as the name (sanitized), identity parts kept for labels. */
  explicitName?: string;
}

const MAX_PART = 20;
const HASH_LENGTH = 6;

/** Lowercase, Docker-safe, no leading/trailing separators, bounded. */
export function sanitizeNamePart(value: string, max = MAX_PART): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/[-_.]{2,}/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  const bounded = cleaned.slice(0, max).replace(/[^a-z0-9]+$/g, '');
  return bounded || 'x';
}

export function shortHash(value: string, length = HASH_LENGTH): string {
  return createHash('sha256').update(value).digest('hex').slice(0, length);
}

export function stackIdentity(input: IdentityInput): StackIdentity {
  const environment = input.environment ?? 'dev';
  const base = { project: input.project, branch: input.branch, owner: input.owner, environment };
  if (input.explicitName !== undefined) {
    const name = sanitizeNamePart(input.explicitName, 48);
    return { ...base, name };
  }
  // dev keeps the name stacks had before environments existed.
  const devKey = `${input.project}\u0000${input.owner}\u0000${input.branch}`;
  const key = environment === 'dev' ? devKey : `${devKey}\u0000${environment}`;
  const name = [
    sanitizeNamePart(input.project),
    sanitizeNamePart(input.branch),
    ...(environment === 'dev' ? [] : [sanitizeNamePart(environment, 12)]),
    sanitizeNamePart(input.owner, 12),
    shortHash(key),
  ].join('-');
  return { ...base, name };
}

/**
 * A compose name (service, network, volume) as part of an engine name:
 * sanitized, and when sanitizing changed it (case, punctuation, length) with a
 * short hash of the original appended, so that names compose keeps apart
 * (`Web` and `web`, `a..b` and `a-b`) never share an engine object. A name
 * that is already Docker-safe keeps its plain form, as before.
 */
export function distinctNamePart(value: string, max = 40): string {
  const plain = sanitizeNamePart(value, max);
  if (plain === value) return plain;
  return `${sanitizeNamePart(value, max - HASH_LENGTH - 1)}-${shortHash(value)}`;
}

/** The first path component of every image name devenv gives (stack references and content tags). */
export const IMAGE_NAMESPACE = 'devenv';

/**
 * Resource names, compose-like: <stack>-<service>-1, <stack>_<network>, <stack>_<volume>; and the
 * stack's reference to a `build:` service's image, devenv/<stack>/<service>:latest (a tag on the
 * shared, content-tagged image: see core/plan/build-inputs.ts).
 */
export const resourceNames = {
  container: (stack: string, service: string) => `${stack}-${distinctNamePart(service)}-1`,
  network: (stack: string, network: string) => `${stack}_${distinctNamePart(network)}`,
  volume: (stack: string, volume: string) => `${stack}_${distinctNamePart(volume)}`,
  image: (stack: string, service: string) =>
    `${IMAGE_NAMESPACE}/${stack}/${distinctNamePart(service)}:latest`,
};

/**
 * The stack a stack reference (resourceNames.image) belongs to, or undefined for any other name.
 * Stack names and name parts never hold `/` or `:`, so three path components and the tag
 * `latest` are a stack reference and nothing else is (content tags have two components).
 */
export function stackImageRef(tag: string): { stack: string; service: string } | undefined {
  const match = /^devenv\/([a-z0-9][a-z0-9_.-]*)\/([a-z0-9][a-z0-9_.-]*):latest$/.exec(tag);
  return match ? { stack: match[1]!, service: match[2]! } : undefined;
}
