/**
 * devenv.yaml `registry:` (top level, or per environment): the registry a
 * swarm's nodes pull from, as an image reference starts: HOST[:PORT][/PATH]
 * (registry.example.com, 10.0.0.5:5000, ghcr.io/team). Images devenv builds
 * for a stack on swarm are pushed there (adapters/swarm-stack/node-images.ts).
 */
const HOST =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$/;
const PATH_PART = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Why a `registry:` value is not usable, or undefined when it is. */
export function registryProblem(registry: string): string | undefined {
  if (registry.includes('://'))
    return `"${registry}" has a scheme; write the registry as an image name starts (registry.example.com:5000, no https://)`;
  const [host = '', ...path] = registry.replace(/\/+$/, '').split('/');
  if (!HOST.test(host))
    return `"${registry}" does not start with a registry host (registry.example.com or 10.0.0.5:5000)`;
  // Docker takes the first part for a registry host only with a dot, a port, or "localhost".
  if (!host.includes('.') && !host.includes(':') && host !== 'localhost')
    return `"${host}" would be read as a Docker Hub user, not a registry host (add its domain or port)`;
  const bad = path.find((part) => !PATH_PART.test(part));
  if (bad !== undefined)
    return `"${bad}" is not a valid repository path part (lowercase letters, digits, . _ -)`;
  return undefined;
}

/** The registry as written, without trailing slashes. */
export function normalRegistry(registry: string): string {
  return registry.replace(/\/+$/, '');
}
