/**
 * An image out of one engine and into others: `docker save` / `docker load` for nodes without
 * a registry, or tag and `docker push` to the registry they pull from.
 */
import { DevenvError } from '../../../core/errors.js';
import type { RegistryAuth } from '../../../core/swarm/registry-auth.js';
import { registryHost } from '../../../core/swarm/registry-reference.js';
import type { ClientContext } from './client-context.js';
import { engineStatus } from '../engine-errors.js';
import { followProgress } from './progress.js';

export class ImageTransferClient {
  constructor(private readonly context: ClientContext) {}

  async imageId(ref: string): Promise<string | undefined> {
    try {
      return (await this.context.docker.getImage(ref).inspect()).Id;
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw this.context.fail(error, `inspect image ${ref}`);
    }
  }

  async saveImage(ref: string): Promise<NodeJS.ReadableStream> {
    try {
      return await this.context.docker.getImage(ref).get();
    } catch (error) {
      throw this.context.fail(error, `save image ${ref}`);
    }
  }

  async loadImage(tar: NodeJS.ReadableStream): Promise<void> {
    try {
      const output = await this.context.docker.loadImage(tar, { quiet: true });
      // The engine reports a failed load in the stream, after a 200.
      const text = await new Promise<string>((resolve, reject) => {
        const chunks: Buffer[] = [];
        output.on('data', (chunk: Buffer) => chunks.push(chunk));
        output.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        output.on('error', reject);
      });
      const failed = /"error(?:Detail)?"\s*:\s*"([^"]*)"/.exec(text);
      if (failed) throw new Error(failed[1]);
    } catch (error) {
      throw this.context.fail(error, 'load an image');
    }
  }

  /** Tags `source` as `target` (REGISTRY/PATH:TAG) and pushes `target`, with `auth` for its registry. */
  async pushImage(source: string, target: string, auth: RegistryAuth): Promise<void> {
    const colon = target.lastIndexOf(':');
    const [repo, tag] =
      colon > target.lastIndexOf('/')
        ? [target.slice(0, colon), target.slice(colon + 1)]
        : [target, 'latest'];
    try {
      await this.context.docker.getImage(source).tag({ repo, tag });
    } catch (error) {
      throw this.context.fail(error, `tag image ${source} as ${target}`);
    }
    const host = registryHost(target);
    await followProgress(this.context, {
      // The engine wants X-Registry-Auth on a push, even empty (anonymous).
      start: () => this.context.docker.getImage(repo).push({ tag, authconfig: auth }),
      onEvent: () => undefined,
      interrupted: `Push of ${target} was interrupted.`,
      failed: (message, cause) =>
        new DevenvError('IMAGE_PUSH_FAILED', `Could not push image ${target} to ${host}: ${message}`, {
          cause,
          hint:
            `Check that ${host} answers from this machine and every swarm node, that the engine trusts it ` +
            `(its CA in /etc/docker/certs.d/${host}/, or --insecure-registry for plain HTTP) and that it ` +
            `accepts your pushes (\`docker login ${host}\`); or remove \`registry:\` from devenv.yaml to load ` +
            'images into the nodes through their engine APIs instead.',
        }),
      action: `push image ${target}`,
    });
  }

  /** Pulls `ref` (a registry reference) into this engine, with `auth` for its registry; `node` names it in errors. */
  async pullImage(ref: string, auth: RegistryAuth, node: string): Promise<void> {
    const host = registryHost(ref);
    await followProgress(this.context, {
      start: async () => (await this.context.docker.pull(ref, { authconfig: auth })) as NodeJS.ReadableStream,
      onEvent: () => undefined,
      interrupted: `Pull of ${ref} was interrupted.`,
      failed: (message, cause) =>
        new DevenvError('IMAGE_PULL_FAILED', `Node ${node} could not pull ${ref} from ${host}: ${message}`, {
          cause,
          hint:
            `Every node must reach ${host} and trust it (its CA in /etc/docker/certs.d/${host}/ on the node, ` +
            `or --insecure-registry ${host} for plain HTTP) and be allowed to pull (\`docker login ${host}\` there).`,
        }),
      action: `pull image ${ref}`,
    });
  }
}
