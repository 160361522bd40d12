/**
 * ContainerEngine on a Docker engine, through dockerode. Every dockerode error
 * is translated here into a DevenvError; no dockerode type leaves this module.
 */
import { isAbsolute, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type Dockerode from 'dockerode';
import type {
  BuildRequest,
  ContainerEngine,
  ContainerRequest,
  ContainerStatus,
  EngineInfo,
  ExecOptions,
  ExecResult,
  ImageInfo,
  LabelSelector,
  LogLine,
  LogOptions,
  ProgressUpdate,
  ResourceSummary,
} from '../../contracts/engine.js';
import { DevenvError } from '../../core/errors.js';
import { shellQuote } from '../../core/shell-quote.js';
import { Labels } from '../../core/stack/labels.js';
import { listBuildContext } from './build-context.js';
import { connectDocker, type DockerEndpoint } from './connect.js';
import { packBuildContext, packFiles } from './context-tar.js';
import { createOptions } from './container-spec.js';
import { containerStatus } from './container-status.js';
import {
  engineMessage,
  engineStatus,
  isConnectionFailure,
  nameConflictError,
  translateEngineError,
  type NameHolder,
  unreachableError,
} from './engine-errors.js';
import { FrameDemuxer, OutputLines } from './output-stream.js';

/** One JSON event of the engine's pull/build progress stream. */
interface ProgressEvent {
  id?: string;
  status?: string;
  stream?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** The part of docker-modem's dial that this adapter uses for raw streams. */
interface ModemDial {
  dial(
    options: {
      path: string;
      method: string;
      isStream: boolean;
      abortSignal?: AbortSignal;
      statusCodes: Record<number, true | string>;
      options: Record<string, unknown>;
    },
    callback: (error: unknown, stream: Readable) => void,
  ): void;
  followProgress(
    stream: NodeJS.ReadableStream,
    onFinished: (error: Error | null) => void,
    onProgress: (event: ProgressEvent) => void,
  ): void;
}

const portTakenPattern = /port is already allocated|address already in use|ports are not available/i;
const buildErrorTailLines = 15;

function labelFilter(selector: LabelSelector): string[] {
  return Object.entries(selector).map(([key, value]) => (value === true ? key : `${key}=${value}`));
}

function envRecord(env: string[] | null | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  for (const entry of env ?? []) {
    const equals = entry.indexOf('=');
    if (equals === -1) record[entry] = '';
    else record[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return record;
}

function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error as { name?: string } | null)?.name === 'AbortError';
}

function progressUpdate(event: ProgressEvent, status: string): ProgressUpdate {
  const update: ProgressUpdate = { status };
  if (event.id !== undefined) update.id = event.id;
  if (event.progressDetail?.current !== undefined) update.current = event.progressDetail.current;
  if (event.progressDetail?.total !== undefined) update.total = event.progressDetail.total;
  return update;
}

/**
 * docker-modem copies a POST's options into the query string as well as the
 * body (when the path ends in "?", as dockerode's create calls do), so a large
 * label, environment value or command pushed the request line past the
 * engine's 1 MB header limit (431 Request Header Fields Too Large). The create
 * calls send their configuration as the body, and only `query` in the URL.
 */
function bodyOnly<T extends object>(body: T, query: Record<string, string> = {}): T {
  return { _query: query, _body: body } as unknown as T;
}

export class DockerEngine implements ContainerEngine {
  private apiVersion: Promise<string> | undefined;

  /** `apiVersion` is the engine's, when known (it is asked for on first need otherwise). */
  constructor(
    private readonly docker: Dockerode,
    private readonly endpoint: DockerEndpoint,
    apiVersion?: string,
  ) {
    if (apiVersion !== undefined) this.apiVersion = Promise.resolve(apiVersion);
  }

  /** Finds and connects to the engine (DOCKER_HOST or the usual sockets); ENGINE_UNREACHABLE when none answers. */
  static async connect(env: Record<string, string | undefined> = process.env): Promise<DockerEngine> {
    const connected = await connectDocker(env);
    return new DockerEngine(connected.docker, connected.endpoint, connected.apiVersion);
  }

  private get modem(): ModemDial {
    return this.docker.modem as ModemDial;
  }

  private fail(error: unknown, action: string): DevenvError {
    return translateEngineError(error, action, this.endpoint.endpoint);
  }

  /**
   * A failed create: when the name is taken (409), the error says whose object
   * holds it (devenv's, of which stack, or not devenv's at all).
   */
  private async createFailed(
    error: unknown,
    action: string,
    kind: NameHolder['kind'],
    name: string,
    stack: string | undefined,
  ): Promise<DevenvError> {
    if (engineStatus(error) !== 409) return this.fail(error, action);
    let labels: Record<string, string>;
    try {
      labels =
        kind === 'container'
          ? ((await this.docker.getContainer(name).inspect()).Config.Labels ?? {})
          : (((await this.docker.getNetwork(name).inspect()) as { Labels?: Record<string, string> }).Labels ??
            {});
    } catch {
      return this.fail(error, action);
    }
    return nameConflictError(error, action, { kind, name, labels, stack });
  }

  private engineApiVersion(): Promise<string> {
    this.apiVersion ??= this.docker.version().then(
      (version) => version.ApiVersion,
      (error: unknown) => {
        this.apiVersion = undefined;
        throw this.fail(error, 'read the engine version');
      },
    );
    return this.apiVersion;
  }

  async info(): Promise<EngineInfo> {
    try {
      const version = await this.docker.version();
      return {
        endpoint: this.endpoint.endpoint,
        serverVersion: version.Version,
        apiVersion: version.ApiVersion,
        publishedHost: this.endpoint.publishedHost,
      };
    } catch (error) {
      throw this.fail(error, 'read the engine version');
    }
  }

  // ---- images ----

  /** Runs a removal; a resource already gone (404) is not an error. */
  private async removeIfPresent(remove: () => Promise<unknown>, action: string): Promise<void> {
    try {
      await remove();
    } catch (error) {
      if (engineStatus(error) === 404) return;
      throw this.fail(error, action);
    }
  }

  async listImages(selector: LabelSelector): Promise<ResourceSummary[]> {
    try {
      const images = await this.docker.listImages({ filters: { label: labelFilter(selector) } });
      return images.map((image) => ({
        id: image.Id,
        name: image.RepoTags?.find((tag) => tag !== '<none>:<none>') ?? image.Id,
        labels: image.Labels ?? {},
        createdAt: new Date(image.Created * 1000).toISOString(),
      }));
    } catch (error) {
      throw this.fail(error, 'list images');
    }
  }

  async removeImage(nameOrId: string): Promise<void> {
    await this.removeIfPresent(() => this.docker.getImage(nameOrId).remove(), `remove image ${nameOrId}`);
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    let image: Dockerode.ImageInspectInfo;
    try {
      image = await this.docker.getImage(ref).inspect();
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw this.fail(error, `inspect image ${ref}`);
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
    return info;
  }

  async pullImage(
    ref: string,
    onProgress: (update: ProgressUpdate) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const pullFailed = (error: unknown, message: string): DevenvError => {
      if (isConnectionFailure(error)) return unreachableError(this.endpoint.endpoint, error);
      return new DevenvError('IMAGE_PULL_FAILED', `Could not pull image ${ref}: ${message}`, {
        hint: `Check the image name and tag, that the registry is reachable and that you are logged in to it (docker login); or build ${ref} locally (a build: section in the compose file).`,
        cause: error,
      });
    };
    let stream: NodeJS.ReadableStream;
    try {
      stream = (await this.docker.pull(ref, signal ? { abortSignal: signal } : {})) as NodeJS.ReadableStream;
    } catch (error) {
      if (isAbort(error, signal))
        throw new DevenvError('INTERRUPTED', `Pull of ${ref} was interrupted.`, { cause: error });
      throw pullFailed(error, engineMessage(error));
    }
    let streamError: string | undefined;
    await new Promise<void>((resolve, reject) => {
      this.modem.followProgress(
        stream,
        (error) => {
          if (error) {
            reject(
              isAbort(error, signal)
                ? new DevenvError('INTERRUPTED', `Pull of ${ref} was interrupted.`, { cause: error })
                : pullFailed(error, engineMessage(error)),
            );
          } else if (streamError !== undefined) reject(pullFailed(undefined, streamError));
          else resolve();
        },
        (event) => {
          if (event.error !== undefined || event.errorDetail !== undefined) {
            streamError = (event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
          } else if (event.status !== undefined) {
            onProgress(progressUpdate(event, event.status));
          }
        },
      );
    });
  }

  async buildImage(
    request: BuildRequest,
    onProgress: (update: ProgressUpdate) => void,
    signal?: AbortSignal,
  ): Promise<string> {
    const dockerfile = (
      isAbsolute(request.dockerfile) ? relative(request.contextDir, request.dockerfile) : request.dockerfile
    )
      .split(sep)
      .join('/');
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

    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.buildImage(
        packBuildContext(request.contextDir, src),
        options as Dockerode.ImageBuildOptions,
      );
    } catch (error) {
      if (isAbort(error, signal))
        throw new DevenvError('INTERRUPTED', `Build of ${request.tag} was interrupted.`, { cause: error });
      if (isConnectionFailure(error)) throw unreachableError(this.endpoint.endpoint, error);
      throw buildFailed(engineMessage(error), [], error);
    }

    const lastLines: string[] = [];
    let imageId: string | undefined;
    let streamError: string | undefined;
    const remember = (line: string): void => {
      lastLines.push(line);
      if (lastLines.length > buildErrorTailLines) lastLines.shift();
    };
    await new Promise<void>((resolve, reject) => {
      this.modem.followProgress(
        stream,
        (error) => {
          if (error) {
            reject(
              isAbort(error, signal)
                ? new DevenvError('INTERRUPTED', `Build of ${request.tag} was interrupted.`, { cause: error })
                : buildFailed(engineMessage(error), [...lastLines], error),
            );
          } else if (streamError !== undefined) reject(buildFailed(streamError, [...lastLines]));
          else resolve();
        },
        (event) => {
          if (event.error !== undefined || event.errorDetail !== undefined) {
            streamError = (event.errorDetail?.message ?? event.error ?? 'unknown error').trim();
            return;
          }
          if (event.aux?.ID) imageId = event.aux.ID;
          if (event.stream !== undefined) {
            for (const line of event.stream.split('\n')) {
              const text = line.trimEnd();
              if (text === '') continue;
              remember(text);
              onProgress({ status: text });
            }
          } else if (event.status !== undefined) {
            onProgress(progressUpdate(event, event.status));
          }
        },
      );
    });
    if (imageId !== undefined) return imageId;
    const built = await this.inspectImage(request.tag);
    if (!built) throw buildFailed('the engine reported no image', [...lastLines]);
    return built.id;
  }

  // ---- networks ----

  async listNetworks(selector: LabelSelector): Promise<ResourceSummary[]> {
    try {
      const networks = await this.docker.listNetworks({ filters: { label: labelFilter(selector) } });
      return networks.map((network) => ({
        id: network.Id,
        name: network.Name,
        labels: network.Labels ?? {},
        createdAt: network.Created,
      }));
    } catch (error) {
      throw this.fail(error, 'list networks');
    }
  }

  async createNetwork(
    name: string,
    labels: Record<string, string>,
    options: { internal?: boolean; driver?: string } = {},
  ): Promise<string> {
    try {
      const network = await this.docker.createNetwork(
        bodyOnly({
          Name: name,
          Labels: labels,
          CheckDuplicate: true,
          Internal: options.internal ?? false,
          Driver: options.driver ?? 'bridge',
        }),
      );
      return network.id;
    } catch (error) {
      throw await this.createFailed(error, `create network ${name}`, 'network', name, labels[Labels.stack]);
    }
  }

  async removeNetwork(nameOrId: string): Promise<void> {
    await this.removeIfPresent(() => this.docker.getNetwork(nameOrId).remove(), `remove network ${nameOrId}`);
  }

  // ---- volumes ----

  async listVolumes(selector: LabelSelector): Promise<ResourceSummary[]> {
    try {
      const answer = await this.docker.listVolumes({ filters: { label: labelFilter(selector) } });
      return (answer.Volumes ?? []).map((volume) => {
        const summary: ResourceSummary = { id: volume.Name, name: volume.Name, labels: volume.Labels ?? {} };
        const createdAt = (volume as { CreatedAt?: string }).CreatedAt;
        if (createdAt) summary.createdAt = createdAt;
        return summary;
      });
    } catch (error) {
      throw this.fail(error, 'list volumes');
    }
  }

  async createVolume(
    name: string,
    labels: Record<string, string>,
    options: { driver?: string } = {},
  ): Promise<string> {
    try {
      await this.docker.createVolume(
        bodyOnly({ Name: name, Labels: labels, Driver: options.driver ?? 'local' }),
      );
      return name;
    } catch (error) {
      throw this.fail(error, `create volume ${name}`);
    }
  }

  async removeVolume(name: string): Promise<void> {
    await this.removeIfPresent(() => this.docker.getVolume(name).remove(), `remove volume ${name}`);
  }

  // ---- containers ----

  async listContainers(selector: LabelSelector): Promise<ContainerStatus[]> {
    let listed: Dockerode.ContainerInfo[];
    try {
      listed = await this.docker.listContainers({ all: true, filters: { label: labelFilter(selector) } });
    } catch (error) {
      throw this.fail(error, 'list containers');
    }
    // The list lacks health logs, exit codes and start times: inspect each, in parallel.
    const statuses = await Promise.all(listed.map((container) => this.inspectContainer(container.Id)));
    return statuses.filter((status): status is ContainerStatus => status !== undefined);
  }

  async createContainer(request: ContainerRequest): Promise<string> {
    const { name, ...body } = createOptions(request, await this.engineApiVersion());
    let id: string;
    try {
      id = (await this.docker.createContainer(bodyOnly(body, name === undefined ? {} : { name }))).id;
    } catch (error) {
      throw await this.createFailed(
        error,
        `create container ${request.name}`,
        'container',
        request.name,
        request.labels[Labels.stack],
      );
    }
    for (const attachment of request.networks.slice(1)) {
      try {
        await this.docker
          .getNetwork(attachment.network)
          .connect({ Container: id, EndpointConfig: { Aliases: attachment.aliases } });
      } catch (error) {
        await this.removeContainer(id, { force: true, volumes: true }).catch(() => undefined);
        throw this.fail(error, `connect container ${request.name} to network ${attachment.network}`);
      }
    }
    if (request.files && request.files.length > 0) {
      try {
        // Before the first start, so the process finds them; the tar creates missing directories.
        await this.docker.getContainer(id).putArchive(packFiles(request.files), { path: '/' });
      } catch (error) {
        await this.removeContainer(id, { force: true, volumes: true }).catch(() => undefined);
        throw this.fail(error, `copy secrets and configs into container ${request.name}`);
      }
    }
    return id;
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (error) {
      if (engineStatus(error) === 304) return;
      const message = engineMessage(error);
      if (portTakenPattern.test(message)) throw await this.portTaken(id, message, error);
      throw this.fail(error, `start container ${id}`);
    }
  }

  /** PORT_TAKEN naming the host port: from the engine's message, else the container's fixed host ports. */
  private async portTaken(id: string, message: string, cause: unknown): Promise<DevenvError> {
    let where = /(?:Bind for |listen \w+ )(\S+):(\d+)\b/.exec(message);
    let port = where?.[2];
    let address = where ? `${where[1]}:${where[2]}` : undefined;
    let name = id;
    try {
      const inspect = await this.docker.getContainer(id).inspect();
      name = inspect.Name.replace(/^\//, '');
      if (port === undefined) {
        const bindings = Object.values(inspect.HostConfig.PortBindings ?? {}) as Array<Array<{
          HostIp?: string;
          HostPort?: string;
        }> | null>;
        const fixed = bindings.flatMap((list) => list ?? []).filter((binding) => binding.HostPort);
        port = fixed.map((binding) => binding.HostPort).join(', ') || undefined;
        address =
          fixed.map((binding) => `${binding.HostIp || '0.0.0.0'}:${binding.HostPort}`).join(', ') ||
          undefined;
      }
    } catch {
      where = null;
    }
    const shown = address ?? 'a fixed host port';
    return new DevenvError(
      'PORT_TAKEN',
      `Host port ${shown} is already taken, so container ${name} cannot start.`,
      {
        hint: `Free it (see what listens: \`ss -ltnp 'sport = :${port ?? 'PORT'}'\` or \`lsof -i :${port ?? 'PORT'}\`), or drop the fixed host port from the service's ports so the engine picks a free one.`,
        details: [message],
        cause,
      },
    );
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: timeoutSeconds });
    } catch (error) {
      const status = engineStatus(error);
      if (status === 304 || status === 404) return;
      throw this.fail(error, `stop container ${id}`);
    }
  }

  async removeContainer(id: string, options: { force: boolean; volumes: boolean }): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: options.force, v: options.volumes });
    } catch (error) {
      const status = engineStatus(error);
      if (status === 404) return;
      if (status === 409 && /already in progress/i.test(engineMessage(error))) return;
      throw this.fail(error, `remove container ${id}`);
    }
  }

  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).restart({ t: timeoutSeconds });
    } catch (error) {
      const message = engineMessage(error);
      if (portTakenPattern.test(message)) throw await this.portTaken(id, message, error);
      throw this.fail(error, `restart container ${id}`);
    }
  }

  async inspectContainer(id: string): Promise<ContainerStatus | undefined> {
    try {
      return containerStatus(await this.docker.getContainer(id).inspect());
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw this.fail(error, `inspect container ${id}`);
    }
  }

  async logs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void> {
    const { signal } = options;
    if (signal?.aborted) return;
    let tty: boolean;
    try {
      tty = (await this.docker.getContainer(id).inspect()).Config.Tty;
    } catch (error) {
      throw this.fail(error, `read logs of container ${id}`);
    }
    const query: Record<string, unknown> = {
      follow: options.follow,
      stdout: true,
      stderr: true,
      timestamps: options.timestamps ?? false,
      tail: options.tail === undefined ? 'all' : String(options.tail),
    };
    if (options.since !== undefined) query.since = options.since;

    let stream: Readable;
    try {
      stream = await new Promise<Readable>((resolve, reject) => {
        // Always a stream (dockerode would buffer and JSON-parse non-follow logs).
        this.modem.dial(
          {
            path: `/containers/${encodeURIComponent(id)}/logs?`,
            method: 'GET',
            isStream: true,
            abortSignal: signal,
            statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
            options: query,
          },
          (error, data) => (error ? reject(error) : resolve(data)),
        );
      });
    } catch (error) {
      if (isAbort(error, signal)) return;
      throw this.fail(error, `read logs of container ${id}`);
    }

    const lines = new OutputLines(!tty, (streamName, text) => {
      const line: LogLine = { stream: streamName, text };
      if (options.timestamps) {
        const space = text.indexOf(' ');
        if (space > 0 && /^\d{4}-\d\d-\d\dT/.test(text)) {
          line.time = text.slice(0, space);
          line.text = text.slice(space + 1);
        }
      }
      onLine(line);
    });
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        lines.end();
        if (error !== undefined && !isAbort(error, signal))
          reject(this.fail(error, `read logs of container ${id}`));
        else resolve();
      };
      const onAbort = (): void => {
        stream.destroy();
        finish();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      stream.on('data', (chunk: Buffer) => lines.push(chunk));
      stream.on('end', () => finish());
      stream.on('close', () => finish());
      stream.on('error', (error) => finish(error));
    });
  }

  async copyFromContainer(id: string, path: string): Promise<NodeJS.ReadableStream> {
    try {
      return await this.docker.getContainer(id).getArchive({ path });
    } catch (error) {
      throw this.fail(error, `copy ${path} out of container ${id}`);
    }
  }

  /** Owners and modes come from the tar headers (no copyUIDGID, which would chown to the container's user). */
  async copyToContainer(id: string, dir: string, tar: NodeJS.ReadableStream): Promise<void> {
    try {
      await this.docker.getContainer(id).putArchive(tar, { path: dir });
    } catch (error) {
      throw this.fail(error, `copy files into ${dir} of container ${id}`);
    }
  }

  async exec(id: string, command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const action = `run \`${command.join(' ')}\` in container ${id}`;
    try {
      const exec = await this.docker.getContainer(id).exec({
        Cmd: command,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
        ...(options.user === undefined ? {} : { User: options.user }),
        ...(options.workingDir === undefined ? {} : { WorkingDir: options.workingDir }),
        ...(options.env === undefined
          ? {}
          : { Env: Object.entries(options.env).map(([key, value]) => `${key}=${value}`) }),
      });
      const stream = (await exec.start({ hijack: true, stdin: false })) as Readable;
      const decoder = new StringDecoder('utf8');
      let output = '';
      const demuxer = new FrameDemuxer((_stream, payload) => {
        output += decoder.write(payload);
      });
      await new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => demuxer.push(chunk));
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
      output += decoder.end();
      // The stream can end a moment before the engine records the exit code.
      for (let attempt = 0; ; attempt++) {
        const state = await exec.inspect();
        if (!state.Running && state.ExitCode !== null) return { exitCode: state.ExitCode, output };
        if (attempt >= 100) throw new Error(`the command did not report an exit code`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } catch (error) {
      throw this.fail(error, action);
    }
  }
}
