/**
 * The name an image gets in a swarm's registry (devenv.yaml `registry:`):
 * REGISTRY/<its repository, without a registry host of its own>:<content tag>,
 * the content tag being the start of the image id, so a rebuilt image is a new
 * reference every node pulls, and the same content is the same reference.
 */

/** "localhost:5000/team/app:1" -> "team/app"; "devenv-shop-app:latest" -> "devenv-shop-app". */
export function repositoryPath(image: string): string {
  const withoutDigest = image.split('@')[0] ?? image;
  const colon = withoutDigest.lastIndexOf(':');
  const repository = colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(0, colon) : withoutDigest;
  const parts = repository.split('/');
  const first = parts[0] ?? '';
  // A first part with a dot or a port, or "localhost", is a registry host (as docker reads it).
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost'))
    parts.shift();
  return parts.join('/').toLowerCase();
}

/** "sha256:0123abcd..." -> "0123abcd0123" (12 hex digits). */
export function contentTag(imageId: string): string {
  return imageId.replace(/^sha256:/, '').slice(0, 12);
}

export function registryReference(registry: string, image: string, imageId: string): string {
  return `${registry}/${repositoryPath(image)}:${contentTag(imageId)}`;
}

/** The registry's host (what docker logs in to), from a `registry:` that may carry a path. */
export function registryHost(registry: string): string {
  return registry.split('/')[0] ?? registry;
}
