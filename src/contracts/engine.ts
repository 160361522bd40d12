/**
 * The container engine contract: devenv's own types in and out, no dockerode
 * objects. The Docker adapter implements it today; a remote Docker host or
 * Kubernetes must only implement this interface.
 */

/** Label selector: key -> exact value, or `true` for "label present". */
export type LabelSelector = Record<string, string | true>;

export interface EngineInfo {
  /** Where the engine is, for humans: "unix:///var/run/docker.sock", "tcp://host:2376". */
  endpoint: string;
  serverVersion: string;
  apiVersion: string;
  /** Address at which published ports are reachable from this machine. */
  publishedHost: string;
}

export interface ImageInfo {
  id: string;
  /** "5432/tcp" style keys of the image's EXPOSE. */
  exposedPorts: string[];
  /** The image's own HEALTHCHECK test, if any. */
  healthcheck?: string[];
  volumes: string[];
  entrypoint: string[];
  cmd: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  /** When the image was last pulled or tagged here (ISO), when the engine knows. */
  lastTaggedAt?: string;
}

export interface ProgressUpdate {
  /** Layer or step id, when the engine reports one. */
  id?: string;
  status: string;
  current?: number;
  total?: number;
}

export interface BuildRequest {
  contextDir: string;
  dockerfile: string;
  tag: string;
  args: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
  /** OS/ARCH[/VARIANT] to build for. */
  platform?: string;
}

export interface PullOptions {
  /** OS/ARCH[/VARIANT] to pull. */
  platform?: string;
}

export interface PortBinding {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
  /** Fixed host port, or undefined/"" for one chosen by the engine. */
  hostPort?: string;
}

/** How a command runs in a container; each defaults to the container's own. */
export interface ExecOptions {
  user?: string;
  workingDir?: string;
  env?: Record<string, string>;
  /** Stops waiting for the command (it may go on running in the container): the exec rejects. */
  signal?: AbortSignal;
}

export interface FileRequest {
  /** Absolute path in the container; missing directories are created. */
  path: string;
  content: string;
  mode: number;
}

export type MountRequest =
  | { type: 'volume'; source: string; target: string; readOnly: boolean; noCopy?: boolean }
  | {
      type: 'bind';
      source: string;
      target: string;
      readOnly: boolean;
      /** A compose secret or config given by `file:` (a backend without this machine's files sends its content). */
      fileObject?: 'secret' | 'config';
    }
  | { type: 'tmpfs'; target: string; sizeBytes?: number; mode?: number };

export interface HealthcheckRequest {
  test: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
}

/**
 * A network namespace other than the stack's networks: the host's, none, the
 * engine's default bridge, or another container's (by name or id).
 */
export type NetworkMode = 'host' | 'none' | 'bridge' | `container:${string}`;

export interface Ulimit {
  name: string;
  soft: number;
  hard: number;
}

export interface DeviceMapping {
  hostPath: string;
  containerPath: string;
  /** cgroup permissions, e.g. "rwm". */
  permissions: string;
}

/** cgroup limits; each unset one is the engine's default (none). */
export interface ResourceLimits {
  memoryBytes?: number;
  memoryReservationBytes?: number;
  /** Memory plus swap; -1: unlimited swap. */
  memorySwapBytes?: number;
  /** CPUs, fractional (0.5: half a CPU). */
  cpus?: number;
  cpuShares?: number;
  /** CPUs the container may run on ("0-2", "0,1"). */
  cpuset?: string;
  /** -1: unlimited. */
  pidsLimit?: number;
}

export interface LogConfig {
  /** undefined: the engine's default driver. */
  driver?: string;
  options: Record<string, string>;
}

export interface NetworkAttachment {
  network: string;
  aliases: string[];
}

/**
 * A compose service's deploy settings that only a scheduler applies (the Swarm backend):
 * a container engine runs one container and ignores them.
 */
export interface DeployRequest {
  /** deploy.replicas or scale (1 when absent). */
  replicas?: number;
  constraints?: string[];
  /** Spread descriptors ("node.labels.zone"). */
  spreadOver?: string[];
  endpointMode?: 'vip' | 'dnsrr';
}

export interface ContainerRequest {
  name: string;
  image: string;
  command?: string[];
  entrypoint?: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  workingDir?: string;
  user?: string;
  hostname?: string;
  ports: PortBinding[];
  /** Extra exposed ports ("8080/tcp"), unpublished. */
  expose: string[];
  mounts: MountRequest[];
  /** Files copied into the container before it starts (secrets and configs given by value). */
  files?: FileRequest[];
  networks: NetworkAttachment[];
  /** undefined: the image's own; 'disabled': none. */
  healthcheck?: HealthcheckRequest | 'disabled';
  init: boolean;
  stopTimeoutSeconds: number;
  stopSignal?: string;
  restartPolicy: 'no' | 'always' | 'unless-stopped' | 'on-failure';
  restartMaxRetries?: number;
  tty: boolean;
  openStdin: boolean;
  extraHosts: string[];
  /** OS/ARCH[/VARIANT] the container runs as (engines with API 1.41+). */
  platform?: string;
  /** Set: the container joins this namespace instead of `networks` (which is then empty) and publishes nothing. */
  networkMode?: NetworkMode;
  /** tmpfs mounts: container path -> mount options ("" for none). */
  tmpfs?: Record<string, string>;
  ulimits?: Ulimit[];
  capAdd?: string[];
  capDrop?: string[];
  sysctls?: Record<string, string>;
  shmSizeBytes?: number;
  /** OCI runtime name. */
  runtime?: string;
  devices?: DeviceMapping[];
  securityOpt?: string[];
  resources?: ResourceLimits;
  oomScoreAdj?: number;
  privileged?: boolean;
  readOnlyRootfs?: boolean;
  groupAdd?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOptions?: string[];
  /** IPC namespace: "private", "shareable", "host", "none" or "container:NAME". */
  ipcMode?: string;
  /** PID namespace: "host" or "container:NAME". */
  pidMode?: string;
  usernsMode?: string;
  domainname?: string;
  macAddress?: string;
  logging?: LogConfig;
  storageOpt?: Record<string, string>;
  /** Set only when the template has deploy.replicas/scale, placement or endpoint_mode. */
  deploy?: DeployRequest;
}

export type ContainerRunState =
  'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
export type HealthState = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface PublishedPort {
  containerPort: number;
  protocol: 'tcp' | 'udp';
  hostIp: string;
  hostPort: number;
}

export interface ContainerStatus {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  state: ContainerRunState;
  health: HealthState;
  /** Exit code of its last run: for exited containers, and restarting ones (the engine restarts it). */
  exitCode?: number;
  /** Its last run was killed by the kernel for want of memory (the engine's OOMKilled). */
  oomKilled?: boolean;
  /** Its memory limit, when it has one. */
  memoryLimitBytes?: number;
  /** Last healthcheck outputs (newest last), when the engine reports them. */
  healthLog: string[];
  ports: PublishedPort[];
  createdAt: string;
  startedAt?: string;
  restartCount: number;
  /** Ids of the networks the container is attached to, when the engine reports them. */
  networkIds?: string[];
}

export interface ResourceSummary {
  id: string;
  name: string;
  labels: Record<string, string>;
  createdAt?: string;
}

export interface ImageSummary extends ResourceSummary {
  /** repo:tag names; empty for dangling and intermediate images. */
  tags: string[];
  /** The image it was built on (intermediate images of the classic builder form chains). */
  parentId?: string;
}

export interface LogLine {
  stream: 'stdout' | 'stderr';
  text: string;
  /** ISO timestamp from the engine, when asked for. */
  time?: string;
}

export interface LogOptions {
  follow: boolean;
  /** Number of last lines, or all. */
  tail?: number | 'all';
  /** Unix seconds. */
  since?: number;
  timestamps?: boolean;
  signal?: AbortSignal;
}

export interface ExecResult {
  exitCode: number;
  output: string;
}

/**
 * A command whose input and output are streams (a database dump, a restore):
 * nothing is held in memory but stderr's last bytes.
 */
export interface StreamExecOptions extends ExecOptions {
  /** The command's stdin, ended when this ends; absent: stdin is closed at once. Left unread when the command exits first. */
  stdin?: NodeJS.ReadableStream;
  /** Where the command's stdout goes, at the pace the destination takes it. Not ended: the caller ends it. */
  stdout: NodeJS.WritableStream;
  /**
   * Aborting ends the command (the engine's process, not only the connection) and rejects with
   * INTERRUPTED. A failing stdin or stdout ends it too, rejecting with that error.
   */
  signal?: AbortSignal;
  /** How many of stderr's last bytes the result keeps (default 64 KiB). */
  stderrLimit?: number;
}

export interface StreamExecResult {
  exitCode: number;
  /** stderr's last bytes (stderrLimit), as text. */
  stderr: string;
  /** Whether stderr was longer than what `stderr` holds. */
  stderrTruncated: boolean;
  stdoutBytes: number;
  /** Bytes of stdin sent before stdin ended or the command exited. */
  stdinBytes: number;
}

export interface FillOptions {
  /**
   * An image with sh, cp and mv this engine may run a helper of, to keep a ready copy of the
   * directory for the next fill of the same image and path (a fill then moves files instead
   * of copying them). The helper and the copies carry the fill-pool label and no stack's.
   */
  toolsImage?: string;
}

export interface ContainerEngine {
  info(): Promise<EngineInfo>;

  inspectImage(ref: string): Promise<ImageInfo | undefined>;
  pullImage(
    ref: string,
    onProgress: (update: ProgressUpdate) => void,
    signal?: AbortSignal,
    options?: PullOptions,
  ): Promise<void>;
  /** `onCommitted`: each image the build commits for a step (not cached steps, not base images). */
  buildImage(
    request: BuildRequest,
    onProgress: (update: ProgressUpdate) => void,
    signal?: AbortSignal,
    onCommitted?: (imageId: string) => void,
  ): Promise<string>;

  /**
   * Images whose labels match (name: the first repo:tag, else the id); an empty selector: all.
   * `all` includes intermediate images (parents of other images).
   */
  listImages(selector: LabelSelector, options?: { all?: boolean }): Promise<ImageSummary[]>;
  /**
   * Removes an image tag or id; missing images are not an error. Never forced: removing the last
   * tag of an image a container uses, or an image with children, fails.
   */
  removeImage(nameOrId: string): Promise<void>;
  /** Tags image `source` (a tag or id) as `target` (repo:tag), moving `target` if it named another; false when `source` is gone. */
  tagImage(source: string, target: string): Promise<boolean>;
  /**
   * An image whose one layer is this tar (owners, modes and paths kept), tagged `ref`
   * (moved from an image that had it), with `labels`; returns its id. It has no command:
   * it only holds files (see fillVolumeFromImage).
   */
  importImage(tar: NodeJS.ReadableStream, ref: string, labels: Record<string, string>): Promise<string>;

  listNetworks(selector: LabelSelector): Promise<ResourceSummary[]>;
  createNetwork(
    name: string,
    labels: Record<string, string>,
    options?: { internal?: boolean; driver?: string },
  ): Promise<string>;
  removeNetwork(nameOrId: string): Promise<void>;
  /** Attaches a container to a network (already attached: not an error). */
  connectNetwork(network: string, container: string): Promise<void>;
  /** Detaches a container from a network (not attached, or either gone: not an error). */
  disconnectNetwork(network: string, container: string): Promise<void>;

  listVolumes(selector: LabelSelector): Promise<ResourceSummary[]>;
  createVolume(name: string, labels: Record<string, string>, options?: { driver?: string }): Promise<string>;
  removeVolume(name: string): Promise<void>;
  /**
   * Copies directory `path` of `image` into `volume` when the volume is empty (owners and
   * modes kept), by the engine itself: no data passes through this client. A volume with
   * content is left as it is. Whatever the engine creates for it meanwhile carries `labels`
   * and is gone when this returns.
   */
  fillVolumeFromImage(
    volume: string,
    image: string,
    path: string,
    labels: Record<string, string>,
    options?: FillOptions,
  ): Promise<void>;

  /** All containers (running or not) whose labels match. */
  listContainers(selector: LabelSelector): Promise<ContainerStatus[]>;
  createContainer(request: ContainerRequest): Promise<string>;
  startContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes a container; with `volumes` its anonymous volumes too. Missing containers are not an error. */
  removeContainer(id: string, options: { force: boolean; volumes: boolean }): Promise<void>;
  restartContainer(id: string, timeoutSeconds: number): Promise<void>;
  inspectContainer(id: string): Promise<ContainerStatus | undefined>;
  /** Streams log lines until the container stops (follow) or the signal aborts; resolves when done. */
  logs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void>;
  exec(id: string, command: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs a command in a running container with streamed stdin and stdout (see StreamExecOptions). */
  execStream(id: string, command: string[], options: StreamExecOptions): Promise<StreamExecResult>;
  /** Whether `path` exists in the container (running or not; volumes included); cheap, nothing is copied. */
  pathExists(id: string, path: string): Promise<boolean>;
  /** A tar stream of `path` in the container (running or not; volumes included). */
  copyFromContainer(id: string, path: string): Promise<NodeJS.ReadableStream>;
  /** Extracts a tar stream into directory `dir` of the container, keeping owners and modes. */
  copyToContainer(id: string, dir: string, tar: NodeJS.ReadableStream): Promise<void>;
}
