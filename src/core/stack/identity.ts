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
}

export interface IdentityInput {
  project: string;
  owner: string;
  branch: string;
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
  const base = { project: input.project, branch: input.branch, owner: input.owner };
  if (input.explicitName !== undefined) {
    const name = sanitizeNamePart(input.explicitName, 48);
    return { ...base, name };
  }
  const key = `${input.project}\u0000${input.owner}\u0000${input.branch}`;
  const name = [
    sanitizeNamePart(input.project),
    sanitizeNamePart(input.branch),
    sanitizeNamePart(input.owner, 12),
    shortHash(key),
  ].join('-');
  return { ...base, name };
}

/** Resource names, compose-like: <stack>-<service>-1, <stack>_<network>, <stack>_<volume>. */
export const resourceNames = {
  container: (stack: string, service: string) => `${stack}-${sanitizeNamePart(service, 40)}-1`,
  network: (stack: string, network: string) => `${stack}_${sanitizeNamePart(network, 40)}`,
  volume: (stack: string, volume: string) => `${stack}_${sanitizeNamePart(volume, 40)}`,
  image: (stack: string, service: string) => `devenv-${stack}-${sanitizeNamePart(service, 40)}:latest`,
};
