/**
 * The content of a service's compose secrets and configs given by `file:` (bind mounts marked
 * fileObject in its container request), read on this machine: the Swarm backend makes swarm
 * secrets and configs of it (service-spec.ts), so the nodes need none of this machine's files.
 */
import { readFile } from 'node:fs/promises';
import type { ContainerRequest } from '../../contracts/engine.js';
import { DevenvError } from '../../core/errors.js';

/** Target in the container -> the file's bytes. */
export async function readFileObjects(request: ContainerRequest): Promise<Map<string, Uint8Array>> {
  const contents = new Map<string, Uint8Array>();
  for (const mount of request.mounts) {
    if (mount.type !== 'bind' || mount.fileObject === undefined) continue;
    try {
      contents.set(mount.target, await readFile(mount.source));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new DevenvError(
        'COMPOSE_REFERENCE',
        `The ${mount.fileObject} file ${mount.source} of ${request.name} (for ${mount.target}) cannot be read (${code}); on swarm its content becomes a swarm ${mount.fileObject}.`,
        { hint: `Create ${mount.source}, or fix the ${mount.fileObject}'s \`file:\` in the compose file.` },
      );
    }
  }
  return contents;
}
