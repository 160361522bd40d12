/** Images: list, inspect, remove, pull and build (with the build context .dockerignore lets through). */
import type Dockerode from 'dockerode';
import type {
  BuildRequest,
  ImageInfo,
  ImageSummary,
  LabelSelector,
  ProgressUpdate,
  PullOptions,
} from '../../../contracts/engine.js';
import { DevenvError } from '../../../core/errors.js';
import { shellQuote } from '../../../core/shell-quote.js';
import { contextDockerfile, listBuildContext } from '../build-context.js';
import { packBuildContext } from '../context-tar.js';
import { engineStatus, isConnectionFailure, unreachableError } from '../engine-errors.js';
import { labelFilter, type ClientContext } from './client-context.js';
import { followProgress, progressUpdate } from './progress.js';

const buildErrorTailLines = 15;

function envRecord(env: string[] | null | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of env ?? []) {
    const equals = entry.indexOf('=');
    if (equals === -1) record[entry] = '';
    else record[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return record;
}

/**
 * The images a classic build committed, from its output: each step shows as
 * "Step n/m : INSTR", then " ---> Using cache" for a cached one, then
 * " ---> <id>" for the step's image. The ids of steps that are neither FROM
 * (a base image) nor cached are the build's own.
 */
function stepCommits(onCommitted: ((imageId: string) => void) | undefined): (line: string) => void {
  let commits = false;
  return (line) => {
    const text = line.trim();
    if (/^Step \d+\/\d+ : /.test(text)) {
      commits = !/^Step \d+\/\d+ : FROM\b/i.test(text);
      return;
    }
    if (text === '---> Using cache') {
      commits = false;
      return;
    }
    const id = /^---> ([0-9a-f]{12,64})$/.exec(text)?.[1];
    if (id !== undefined && commits) onCommitted?.(id);
  };
}

export class ImageClient {
  constructor(private readonly context: ClientContext) {}

  async listImages(selector: LabelSelector, options: { all?: boolean } = {}): Promise<ImageSummary[]> {
    try {
      const images = await this.context.docker.listImages({
        all: options.all ?? false,
        filters: { label: labelFilter(selector) },
      });
      return images.map((image) => {
        const tags = (image.RepoTags ?? []).filter((tag) => tag !== '<none>:<none>');
        const summary: ImageSummary = {
          id: image.Id,
          name: tags[0] ?? image.Id,
          tags,
          labels: image.Labels ?? {},
          createdAt: new Date(image.Created * 1000).toISOString(),
        };
        if (image.ParentId) summary.parentId = image.ParentId;
        return summary;
      });
    } catch (error) {
      throw this.context.fail(error, 'list images');
    }
  }

  async removeImage(nameOrId: string): Promise<void> {
    await this.context.removeIfPresent(
      () => this.context.docker.getImage(nameOrId).remove(),
      `remove image ${nameOrId}`,
    );
  }

  async tagImage(source: string, target: string): Promise<boolean> {
    // repo:tag, where the repo may hold a registry port (host:5000/x): the tag follows the last ':' after the last '/'.
    const colon = target.lastIndexOf(':');
    const split = colon > target.lastIndexOf('/');
    const repo = split ? target.slice(0, colon) : target;
    const tag = split ? target.slice(colon + 1) : 'latest';
    try {
      await this.context.docker.getImage(source).tag({ repo, tag });
      return true;
    } catch (error) {
      if (engineStatus(error) === 404) return false;
      throw this.context.fail(error, `tag image ${source} as ${target}`);
    }
  }

  async importImage(
    tar: NodeJS.ReadableStream,
    ref: string,
    labels: Record<string, string>,
  ): Promise<string> {
    const colon = ref.lastIndexOf(':');
    const [repo, tag] =
      colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
    // Dockerfile syntax: LABEL "key"="value" (JSON strings are valid Dockerfile strings).
    const changes = Object.entries(labels).map(
      ([key, value]) => `LABEL ${JSON.stringify(key)}=${JSON.stringify(value)}`,
    );
    const failed = (message: string, cause?: unknown) =>
      new DevenvError('ENGINE_ERROR', `Could not import image ${ref}: ${message}`, {
        hint: 'Check that the engine is running and has disk space (`docker system df`).',
        cause,
      });
    await followProgress(this.context, {
      start: () =>
        this.context.docker.importImage(tar as NodeJS.ReadableStream & string, {
          repo,
          tag,
          changes,
        }) as Promise<NodeJS.ReadableStream>,
      onEvent: () => undefined,
      interrupted: `Import of ${ref} was interrupted.`,
      failed,
      action: `import image ${ref}`,
    });
    const imported = await this.inspectImage(ref);
    if (!imported) throw failed('the engine reported no image');
    return imported.id;
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    let image: Dockerode.ImageInspectInfo;
    try {
      image = await this.context.docker.getImage(ref).inspect();
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw this.context.fail(error, `inspect image ${ref}`);
    }
    const config = image.Config as Dockerode.ImageInspectInfo['Config'] & {
      Healthcheck?: { Test?: string[] };
    };
    const info: ImageInfo = {
      id: image.Id,
      exposedPorts: Object.keys(config.ExposedPorts ?? {}),
      volumes: Object.keys(config.Volumes ?? {}),
      entrypoint:
        config.Entrypoint === null || config.Entrypoint === undefined ? [] : [config.Entrypoint].flat(),
      cmd: config.Cmd ?? [],
      env: envRecord(config.Env),
      labels: config.Labels ?? {},
    };
    if (config.Healthcheck?.Test) info.healthcheck = config.Healthcheck.Test;
    const lastTagTime = (image as { Metadata?: { LastTagTime?: string } }).Metadata?.LastTagTime;
    // The engine reports "0001-01-01T00:00:00Z" for an image never tagged here.
    if (lastTagTime && !lastTagTime.startsWith('0001-')) info.lastTaggedAt = lastTagTime;
    return info;
  }

  async pullImage(
    ref: string,
    onProgress: (update: ProgressUpdate) => void,
    signal?: AbortSignal,
    options: PullOptions = {},
  ): Promise<void> {
    const { docker, endpoint } = this.context;
    await followProgress(this.context, {
      start: async () =>
        (await docker.pull(ref, {
          ...(signal ? { abortSignal: signal } : {}),
          ...(options.platform !== undefined ? { platform: options.platform } : {}),
        })) as NodeJS.ReadableStream,
      onEvent: (event) => {
        if (event.status !== undefined) onProgress(progressUpdate(event, event.status));
      },
      ...(signal ? { signal } : {}),
      interrupted: `Pull of ${ref} was interrupted.`,
      action: `pull image ${ref}`,
      failed: (message, cause) => {
        if (isConnectionFailure(cause)) return unreachableError(endpoint.endpoint, cause);
        return new DevenvError('IMAGE_PULL_FAILED', `Could not pull image ${ref}: ${message}`, {
          hint: `Check the image name and tag, that the registry is reachable and that you are logged in to it (docker login); or build ${ref} locally (a build: section in the compose file).`,
          cause,
        });
      },
    });
  }

  async buildImage(
    request: BuildRequest,
    onProgress: (update: ProgressUpdate) => void,
    signal?: AbortSignal,
    onCommitted?: (imageId: string) => void,
  ): Promise<string> {
    const dockerfile = contextDockerfile(request.contextDir, request.dockerfile);
    const buildFailed = (message: string, details: string[], cause?: unknown): DevenvError =>
      new DevenvError('IMAGE_BUILD_FAILED', `Could not build image ${request.tag}: ${message}`, {
        hint: `Fix the Dockerfile or the build context (${request.contextDir}), then run the command again; \`docker build -f ${shellQuote(dockerfile)} ${shellQuote(request.contextDir)}\` shows the same error.`,
        details,
        cause,
      });
    if (dockerfile.startsWith('../') || dockerfile === '..') {
      throw buildFailed(
        `the Dockerfile ${request.dockerfile} is outside the build context ${request.contextDir}`,
        [],
      );
    }
    let src: string[];
    try {
      src = await listBuildContext(request.contextDir, dockerfile);
    } catch (error) {
      throw buildFailed(`cannot read the build context: ${(error as Error).message}`, [], error);
    }
    const options: Record<string, unknown> = {
      t: request.tag,
      dockerfile,
      buildargs: request.args,
      labels: request.labels,
      rm: true,
      forcerm: true,
    };
    // Only when given: docker-modem would otherwise send "abortSignal=" in the query.
    if (signal) options.abortSignal = signal;
    if (request.target) options.target = request.target;
    if (request.platform) options.platform = request.platform;

    const lastLines: string[] = [];
    let imageId: string | undefined;
    const followSteps = stepCommits(onCommitted);
    await followProgress(this.context, {
      start: () =>
        this.context.docker.buildImage(
          packBuildContext(request.contextDir, src),
          options as Dockerode.ImageBuildOptions,
        ),
      onEvent: (event) => {
        if (event.aux?.ID) imageId = event.aux.ID;
        if (event.stream !== undefined) {
          for (const line of event.stream.split('\n')) {
            const text = line.trimEnd();
            if (text === '') continue;
            followSteps(text);
            lastLines.push(text);
            if (lastLines.length > buildErrorTailLines) lastLines.shift();
            onProgress({ status: text });
          }
        } else if (event.status !== undefined) {
          onProgress(progressUpdate(event, event.status));
        }
      },
      ...(signal ? { signal } : {}),
      interrupted: `Build of ${request.tag} was interrupted.`,
      failed: (message, cause) => buildFailed(message, [...lastLines], cause),
      action: `build image ${request.tag}`,
      lastLines: () => [...lastLines],
    });
    if (imageId !== undefined) return imageId;
    const built = await this.inspectImage(request.tag);
    if (!built) throw buildFailed('the engine reported no image', [...lastLines]);
    return built.id;
  }
}
