/**
 * ContainerEngine on a Docker engine, through dockerode: one client per
 * resource (clients/), composed here, as testcontainers-node composes its
 * container runtime. Every dockerode error is translated in the clients into
 * a DevenvError; no dockerode type leaves them.
 */
import type Dockerode from 'dockerode';
import type {
  BuildRequest,
  ContainerEngine,
  ContainerRequest,
  ContainerStatus,
  EngineInfo,
  ExecOptions,
  ExecResult,
  FillOptions,
  ImageInfo,
  ImageSummary,
  LabelSelector,
  LogLine,
  LogOptions,
  ProgressUpdate,
  PullOptions,
  ResourceSummary,
  StreamExecOptions,
  StreamExecResult,
} from '../../contracts/engine.js';
import { ClientContext } from './clients/client-context.js';
import { ContainerClient } from './clients/container-client.js';
import { ExecClient } from './clients/exec-client.js';
import { ExecStreamClient } from './clients/exec-stream-client.js';
import { ImageClient } from './clients/image-client.js';
import { LogClient } from './clients/log-client.js';
import { NetworkClient } from './clients/network-client.js';
import { VolumeClient } from './clients/volume-client.js';
import { connectDocker, type DockerEndpoint } from './connect.js';
import { readEngineInfo } from './clients/engine-info.js';

export class DockerEngine implements ContainerEngine {
  private readonly context: ClientContext;
  private readonly images: ImageClient;
  private readonly networks: NetworkClient;
  private readonly volumes: VolumeClient;
  private readonly containers: ContainerClient;
  private readonly logClient: LogClient;
  private readonly execClient: ExecClient;
  private readonly execStreamClient: ExecStreamClient;

  /** `apiVersion` is the engine's, when known (it is asked for on first need otherwise). */
  constructor(docker: Dockerode, endpoint: DockerEndpoint, apiVersion?: string) {
    this.context = new ClientContext(docker, endpoint, apiVersion);
    this.images = new ImageClient(this.context);
    this.networks = new NetworkClient(this.context);
    this.volumes = new VolumeClient(this.context);
    this.containers = new ContainerClient(this.context);
    this.logClient = new LogClient(this.context);
    this.execClient = new ExecClient(this.context);
    this.execStreamClient = new ExecStreamClient(this.context, (id) =>
      this.containers.pathExists(id, '/bin/sh'),
    );
  }

  /** Finds and connects to the engine (DOCKER_HOST or the usual sockets); ENGINE_UNREACHABLE when none answers. */
  static async connect(env: Record<string, string | undefined> = process.env): Promise<DockerEngine> {
    const connected = await connectDocker(env);
    return new DockerEngine(connected.docker, connected.endpoint, connected.apiVersion);
  }

  /** connect(), with the engine's info from the version answer that found it (one request, not two). */
  static async open(
    env: Record<string, string | undefined> = process.env,
  ): Promise<{ engine: DockerEngine; info: EngineInfo }> {
    const connected = await connectDocker(env);
    const engine = new DockerEngine(connected.docker, connected.endpoint, connected.apiVersion);
    return {
      engine,
      info: {
        endpoint: connected.endpoint.endpoint,
        serverVersion: connected.serverVersion,
        apiVersion: connected.apiVersion,
        publishedHost: connected.endpoint.publishedHost,
      },
    };
  }

  info(): Promise<EngineInfo> {
    return readEngineInfo(this.context);
  }

  // ---- images ----

  listImages(selector: LabelSelector, options?: { all?: boolean }): Promise<ImageSummary[]> {
    return this.images.listImages(selector, options);
  }

  removeImage(nameOrId: string): Promise<void> {
    return this.images.removeImage(nameOrId);
  }

  tagImage(source: string, target: string): Promise<boolean> {
    return this.images.tagImage(source, target);
  }

  importImage(tar: NodeJS.ReadableStream, ref: string, labels: Record<string, string>): Promise<string> {
    return this.images.importImage(tar, ref, labels);
  }

  inspectImage(ref: string): Promise<ImageInfo | undefined> {
    return this.images.inspectImage(ref);
  }

  pullImage(
    ref: string,
    onProgress: (update: ProgressUpdate) => void,
    signal?: AbortSignal,
    options?: PullOptions,
  ): Promise<void> {
    return this.images.pullImage(ref, onProgress, signal, options);
  }

  buildImage(
    request: BuildRequest,
    onProgress: (update: ProgressUpdate) => void,
    signal?: AbortSignal,
    onCommitted?: (imageId: string) => void,
  ): Promise<string> {
    return this.images.buildImage(request, onProgress, signal, onCommitted);
  }

  // ---- networks ----

  /**
   * The engine's own (local-scope) networks: on a swarm manager, the overlay networks of
   * stacks on the Swarm backend are the swarm's (adapters/swarm-stack), not a container stack's.
   */
  listNetworks(selector: LabelSelector): Promise<ResourceSummary[]> {
    return this.networks.listNetworks(selector, { scope: 'local' });
  }

  createNetwork(
    name: string,
    labels: Record<string, string>,
    options?: { internal?: boolean; driver?: string },
  ): Promise<string> {
    return this.networks.createNetwork(name, labels, options);
  }

  removeNetwork(nameOrId: string): Promise<void> {
    return this.networks.removeNetwork(nameOrId);
  }

  connectNetwork(network: string, container: string): Promise<void> {
    return this.networks.connectNetwork(network, container);
  }

  disconnectNetwork(network: string, container: string): Promise<void> {
    return this.networks.disconnectNetwork(network, container);
  }

  // ---- volumes ----

  listVolumes(selector: LabelSelector): Promise<ResourceSummary[]> {
    return this.volumes.listVolumes(selector);
  }

  createVolume(name: string, labels: Record<string, string>, options?: { driver?: string }): Promise<string> {
    return this.volumes.createVolume(name, labels, options);
  }

  removeVolume(name: string): Promise<void> {
    return this.volumes.removeVolume(name);
  }

  fillVolumeFromImage(
    volume: string,
    image: string,
    path: string,
    labels: Record<string, string>,
    options?: FillOptions,
  ): Promise<void> {
    return this.volumes.fillVolumeFromImage(volume, image, path, labels, options);
  }

  // ---- containers ----

  listContainers(selector: LabelSelector): Promise<ContainerStatus[]> {
    return this.containers.listContainers(selector);
  }

  createContainer(request: ContainerRequest): Promise<string> {
    return this.containers.createContainer(request);
  }

  startContainer(id: string): Promise<void> {
    return this.containers.startContainer(id);
  }

  stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    return this.containers.stopContainer(id, timeoutSeconds);
  }

  removeContainer(id: string, options: { force: boolean; volumes: boolean }): Promise<void> {
    return this.containers.removeContainer(id, options);
  }

  restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    return this.containers.restartContainer(id, timeoutSeconds);
  }

  inspectContainer(id: string): Promise<ContainerStatus | undefined> {
    return this.containers.inspectContainer(id);
  }

  pathExists(id: string, path: string): Promise<boolean> {
    return this.containers.pathExists(id, path);
  }

  copyFromContainer(id: string, path: string): Promise<NodeJS.ReadableStream> {
    return this.containers.copyFromContainer(id, path);
  }

  copyToContainer(id: string, dir: string, tar: NodeJS.ReadableStream): Promise<void> {
    return this.containers.copyToContainer(id, dir, tar);
  }

  logs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void> {
    return this.logClient.logs(id, options, onLine);
  }

  exec(id: string, command: string[], options?: ExecOptions): Promise<ExecResult> {
    return this.execClient.exec(id, command, options);
  }

  execStream(id: string, command: string[], options: StreamExecOptions): Promise<StreamExecResult> {
    return this.execStreamClient.execStream(id, command, options);
  }
}
