import type { PlacementSpec } from './deploy.js';
/**
 * The resolved compose model: what a compose template means after loading,
 * merging, interpolation, validation and normalization to long syntax.
 * Everything downstream (planning, engine, `devenv config`) reads only this.
 * Durations are milliseconds; paths are absolute.
 */

export interface ComposeProject {
  /** Project name: top-level `name`, else the project directory's name (sanitized). */
  name: string;
  /** Absolute directory that relative paths resolve against (the first compose file's). */
  workingDir: string;
  /** Absolute paths of the compose files, in merge order. */
  files: string[];
  services: Record<string, ServiceSpec>;
  networks: Record<string, NetworkSpec>;
  volumes: Record<string, VolumeSpec>;
  secrets: Record<string, FileObjectSpec>;
  configs: Record<string, FileObjectSpec>;
  /** Top-level `x-` keys, kept as written. */
  extensions: Record<string, unknown>;
  /** Services left out because none of their profiles is active, with those profiles. */
  profileDisabled?: Record<string, string[]>;
}

export interface ServiceSpec {
  name: string;
  image?: string;
  build?: BuildSpec;
  /** Exec form; a string command is split the way compose splits it (shell words). */
  command?: string[];
  entrypoint?: string[];
  /** environment after env_file and environment are merged; null: declared without value and unset. */
  environment: Record<string, string | null>;
  ports: PortSpec[];
  expose: string[];
  volumes: ServiceVolumeSpec[];
  dependsOn: Record<string, DependsOnSpec>;
  healthcheck?: HealthcheckSpec;
  /** `restart:`, or deploy.restart_policy in its terms ("on-failure:3"), which wins as in docker compose. */
  restart?: string;
  /**
   * deploy.replicas or scale, as written. devenv runs one container per service whatever it
   * says (a warning names a count other than 1); `devenv diff` compares it.
   */
  replicas?: number;
  /** deploy.placement and deploy.endpoint_mode: a scheduler's (the Swarm backend's) alone. */
  placement?: PlacementSpec;
  workingDir?: string;
  user?: string;
  labels: Record<string, string>;
  /** Networks the service joins, with aliases; `default` when none are given. */
  networks: Record<string, ServiceNetworkSpec>;
  profiles: string[];
  secrets: ServiceFileRefSpec[];
  configs: ServiceFileRefSpec[];
  containerName?: string;
  hostname?: string;
  stopGracePeriodMs?: number;
  stopSignal?: string;
  /** `init:` from the template; undefined means devenv's default (an init process for dev stacks). */
  init?: boolean;
  tty?: boolean;
  stdinOpen?: boolean;
  extraHosts: string[];
  /** `pull_policy`; undefined: compose's default (pull when missing). */
  pullPolicy?: PullPolicySpec;
  /** `platform` ("linux/amd64"): images are pulled, built and run for it. */
  platform?: string;
  /**
   * `network_mode` as written: host, none, bridge, service:NAME or container:NAME.
   * When set the service joins no networks (`networks` is empty); service:NAME adds an
   * implicit dependency on NAME.
   */
  networkMode?: string;
  /** `tmpfs:` entries, as the engine's HostConfig.Tmpfs takes them: a path and its mount options. */
  tmpfs?: TmpfsSpec[];
  /** The container's kernel, cgroup, security and logging settings; absent when the template sets none. */
  runtimeOptions?: RuntimeOptionsSpec;
  /** `x-` keys of the service. */
  extensions: Record<string, unknown>;
  /** `develop:` section, kept as written (used by watch mode). */
  develop?: unknown;
}

export type PullPolicySpec =
  | { policy: 'always' | 'never' | 'missing' | 'build' }
  /** daily, weekly, every_12h: pull when the local image was last pulled longer ago than this. */
  | { policy: 'refresh'; written: string; everyMs: number };

export interface TmpfsSpec {
  /** Absolute path in the container. */
  target: string;
  /** Mount options as written after the colon ("size=64m,mode=1777"), when any. */
  options?: string;
}

export interface UlimitSpec {
  soft: number;
  hard: number;
}

export interface DeviceSpec {
  /** Host device path. */
  source: string;
  /** Path in the container (defaults to the host path). */
  target: string;
  /** cgroup permissions, e.g. "rwm". */
  permissions: string;
}

export interface LoggingSpec {
  driver?: string;
  options: Record<string, string>;
}

/**
 * Per-container settings compose applies on a single engine: resources
 * (from the top-level keys or deploy.resources), capabilities, sysctls,
 * security, DNS, namespaces and logging. Sizes are bytes; only keys the
 * template sets are present.
 */
export interface RuntimeOptionsSpec {
  ulimits?: Record<string, UlimitSpec>;
  capAdd?: string[];
  capDrop?: string[];
  sysctls?: Record<string, string>;
  shmSizeBytes?: number;
  /** OCI runtime name (`runtime:`), e.g. "runc". */
  runtime?: string;
  devices?: DeviceSpec[];
  securityOpt?: string[];
  /** mem_limit or deploy.resources.limits.memory. */
  memLimitBytes?: number;
  /** mem_reservation or deploy.resources.reservations.memory. */
  memReservationBytes?: number;
  /** memswap_limit; -1: unlimited swap. */
  memswapLimitBytes?: number;
  /** cpus or deploy.resources.limits.cpus (CPUs, fractional). */
  cpus?: number;
  /**
   * deploy.resources.reservations.cpus: a Swarm scheduling guarantee with no equivalent on a
   * single engine, so not applied (a warning says so); kept for `devenv diff`.
   */
  cpuReservation?: number;
  cpuShares?: number;
  cpuset?: string;
  /** pids_limit or deploy.resources.limits.pids; -1: unlimited. */
  pidsLimit?: number;
  oomScoreAdj?: number;
  privileged?: boolean;
  readOnly?: boolean;
  groupAdd?: string[];
  dns?: string[];
  dnsSearch?: string[];
  dnsOpt?: string[];
  /** As written; service:NAME is shared with that service's container (and depended on). */
  ipc?: string;
  /** As written; service:NAME is shared with that service's container (and depended on). */
  pid?: string;
  usernsMode?: string;
  domainname?: string;
  macAddress?: string;
  logging?: LoggingSpec;
  storageOpt?: Record<string, string>;
}

export interface BuildSpec {
  /** Absolute path of the build context directory. */
  context: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
  labels: Record<string, string>;
}

export interface PortSpec {
  /** Container port. */
  target: number;
  /** Host port as written (a number, or a range "8000-8010"); undefined: any free port. */
  published?: string;
  /** Host IP as written; undefined: devenv's default (127.0.0.1). */
  hostIp?: string;
  protocol: 'tcp' | 'udp';
  name?: string;
}

export type ServiceVolumeSpec =
  | { type: 'volume'; source?: string; target: string; readOnly: boolean; noCopy?: boolean }
  | { type: 'bind'; source: string; target: string; readOnly: boolean; createHostPath: boolean }
  | { type: 'tmpfs'; target: string; sizeBytes?: number; mode?: number };

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export interface DependsOnSpec {
  condition: DependsOnCondition;
  required: boolean;
  restart: boolean;
}

export interface HealthcheckSpec {
  /** ["CMD", ...], ["CMD-SHELL", "..."] or ["NONE"]. */
  test?: string[];
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  startPeriodMs?: number;
  startIntervalMs?: number;
  disable: boolean;
}

export interface ServiceNetworkSpec {
  aliases: string[];
}

export interface ServiceFileRefSpec {
  source: string;
  /** Absolute path in the container (secrets default to /run/secrets/<source>). */
  target: string;
}

export interface NetworkSpec {
  /** Name as written (external networks keep it); devenv names its own per stack. */
  name?: string;
  external: boolean;
  driver?: string;
  internal: boolean;
  labels: Record<string, string>;
}

export interface VolumeSpec {
  name?: string;
  external: boolean;
  driver?: string;
  labels: Record<string, string>;
}

/**
 * A secret or config: a host file (bind-mounted read-only), or a value given
 * by an environment variable or (configs) inline `content`, copied into the
 * container before it starts. `value` of an environment secret is a secret:
 * never printed (render-config shows the variable's name).
 */
export type FileObjectSpec =
  | {
      /** Absolute path of the file on the host. */
      file: string;
    }
  | { environment: string; value: string }
  | { content: string };

/** A warning about the template: an obsolete or ignored key. Never silently dropped. */
export interface ComposeWarning {
  message: string;
  file?: string;
  line?: number;
  path?: string;
}

export interface ResolvedCompose {
  project: ComposeProject;
  warnings: ComposeWarning[];
  /**
   * Whether any text read (compose files, extends/include, env files) names
   * one of devenv's own variables (DEVENV_*): only then does the result depend
   * on the stack identity. Undefined when unknown.
   */
  readsDevenvVariables?: boolean;
}
