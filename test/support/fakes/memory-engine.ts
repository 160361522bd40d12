/**
 * An in-memory ContainerEngine for app-level tests (milliseconds, no Docker):
 * images, networks, volumes and containers held in maps, labels matched as the
 * engine does, and controls a test drives instead of sleeping: a container's
 * health, its exit, and the engine going away (a dropped connection) or
 * shutting down (every container stopped first, as on a reboot) and coming
 * back. The contract suite (test/support/engine-contract.ts) runs against it
 * and against the real engine, so the two agree on what the app relies on.
 */
import type {
  BuildRequest,
  ContainerEngine,
  ContainerRequest,
  ContainerStatus,
  EngineInfo,
  ExecResult,
  HealthState,
  ImageInfo,
  ImageSummary,
  LabelSelector,
  LogLine,
  LogOptions,
  ProgressUpdate,
  PublishedPort,
  ResourceSummary,
} from '../../../src/contracts/engine.js';
import { DevenvError } from '../../../src/core/errors.js';
import { Readable } from 'node:stream';
import { catProgram, runProgram, type ExecProgram } from './memory-exec.js';

interface MemoryContainer {
  id: string;
  request: ContainerRequest;
  /** The id of the image it was created from (as the engine keeps it, whatever happens to the tag). */
  imageId?: string;
  state: ContainerStatus['state'];
  health: HealthState;
  exitCode?: number;
  oomKilled?: boolean;
  ports: PublishedPort[];
  createdAt: string;
  startedAt?: string;
  restartCount: number;
  logs: LogLine[];
  /** Followers waiting for new lines or the end. */
  wake: Set<() => void>;
}

export interface MemoryEngine extends ContainerEngine {
  /** Images the fake "registry" can pull. */
  registry: Map<string, ImageInfo>;
  images: Map<string, ImageInfo>;
  containers: Map<string, MemoryContainer>;
  /** Every mutating call, in order: "build app", "create s-app-1", "start s-app-1", ... */
  calls: string[];
  /** The container of a service (by its devenv label), when there is one. */
  containerOf(service: string): MemoryContainer | undefined;
  setHealth(service: string, health: HealthState): void;
  /** The service's process ends with this code. */
  exit(service: string, code: number): void;
  /**
   * The service's process ends (killed for want of memory with `oomKilled`) and the engine
   * restarts it by its restart policy: 'restarting' with the exit code for `restartMs`, then running.
   */
  crashAndRestart(service: string, end: { code: number; oomKilled?: boolean; restartMs?: number }): void;
  log(service: string, text: string): void;
  /** The container named so prints a line. */
  logTo(containerName: string, text: string): void;
  /** What `execStream` of a command named so does (`cat` echoes stdin from the start); others exit 127. */
  program(name: string, run: ExecProgram): void;
  /** The connection drops: every call fails, log streams end; containers keep running. */
  goAway(): void;
  /** A shutdown: every container stopped (exit `code`), then the engine is gone. */
  shutDown(code?: number): void;
  comeBack(): void;
}

const unreachable = () =>
  new DevenvError('ENGINE_UNREACHABLE', 'The Docker engine at memory:// does not answer (gone).', {
    hint: 'Start the engine.',
  });

function matches(labels: Record<string, string>, selector: LabelSelector): boolean {
  return Object.entries(selector).every(([key, value]) =>
    value === true ? key in labels : labels[key] === value,
  );
}

function imageInfo(partial: Partial<ImageInfo> = {}): ImageInfo {
  return {
    id: `sha256:${Math.random().toString(16).slice(2).padEnd(12, '0')}`,
    exposedPorts: [],
    volumes: [],
    entrypoint: [],
    cmd: ['run'],
    env: {},
    labels: {},
    ...partial,
  };
}

export function memoryEngine(options: { publishedHost?: string } = {}): MemoryEngine {
  let gone = false;
  let ids = 0;
  let nextPort = 40_000;
  const images = new Map<string, ImageInfo>();
  /** When each image this engine built was created (ISO), by id. */
  const built = new Map<string, string>();
  const registry = new Map<string, ImageInfo>();
  const networks = new Map<string, ResourceSummary>();
  const volumes = new Map<string, ResourceSummary>();
  const containers = new Map<string, MemoryContainer>();
  /** Volumes filled from an image, and directories tars were copied into per container: what pathExists sees. */
  const filledVolumes = new Set<string>();
  const copiedInto = new Map<string, string[]>();
  const calls: string[] = [];
  const programs = new Map<string, ExecProgram>([['cat', catProgram]]);
  const nextId = (kind: string) => `${kind}${(++ids).toString(16).padStart(8, '0')}`;
  const alive = () => {
    if (gone) throw unreachable();
  };
  const wakeAll = (container: MemoryContainer) => {
    for (const wake of [...container.wake]) wake();
  };
  const find = (idOrName: string) =>
    containers.get(idOrName) ?? [...containers.values()].find((c) => c.request.name === idOrName);
  const statusOf = (c: MemoryContainer): ContainerStatus => ({
    id: c.id,
    name: c.request.name,
    image: c.request.image,
    labels: { ...c.request.labels },
    state: c.state,
    health: c.health,
    ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
    ...(c.oomKilled ? { oomKilled: true } : {}),
    healthLog: [],
    ports: c.state === 'running' ? c.ports.map((p) => ({ ...p })) : [],
    createdAt: c.createdAt,
    ...(c.startedAt ? { startedAt: c.startedAt } : {}),
    restartCount: c.restartCount,
  });
  const stop = (c: MemoryContainer, code: number) => {
    if (c.state !== 'running') return;
    c.state = 'exited';
    c.exitCode = code;
    wakeAll(c);
  };
  const byService = (service: string) =>
    [...containers.values()].find((c) => c.request.labels['dev.devenv.service'] === service);

  const engine: MemoryEngine = {
    registry,
    images,
    containers,
    calls,
    containerOf: byService,
    setHealth(service, health) {
      const c = byService(service);
      if (c) c.health = health;
    },
    exit(service, code) {
      const c = byService(service);
      if (c) stop(c, code);
    },
    crashAndRestart(service, end) {
      const c = byService(service);
      if (!c || c.state !== 'running') return;
      // As Docker does: counted as the restart begins.
      c.state = 'restarting';
      c.restartCount += 1;
      c.exitCode = end.code;
      if (end.oomKilled) c.oomKilled = true;
      wakeAll(c);
      setTimeout(() => {
        if (c.state !== 'restarting') return;
        c.state = 'running';
        delete c.exitCode;
        delete c.oomKilled;
      }, end.restartMs ?? 50);
    },
    log(service, text) {
      const c = byService(service);
      if (!c) return;
      c.logs.push({ stream: 'stdout', text });
      wakeAll(c);
    },
    logTo(containerName, text) {
      const c = find(containerName);
      if (!c) return;
      c.logs.push({ stream: 'stdout', text });
      wakeAll(c);
    },
    program(name, run) {
      programs.set(name, run);
    },
    goAway() {
      gone = true;
      for (const c of containers.values()) wakeAll(c);
    },
    shutDown(code = 0) {
      for (const c of containers.values()) stop(c, code);
      gone = true;
    },
    comeBack() {
      gone = false;
    },

    async info(): Promise<EngineInfo> {
      alive();
      return {
        endpoint: 'memory://',
        serverVersion: 'memory',
        apiVersion: '1.41',
        publishedHost: options.publishedHost ?? '127.0.0.1',
      };
    },

    async inspectImage(ref) {
      alive();
      return images.get(ref);
    },
    async pullImage(ref, onProgress: (update: ProgressUpdate) => void) {
      alive();
      const found = registry.get(ref);
      if (!found)
        throw new DevenvError(
          'IMAGE_PULL_FAILED',
          `Could not pull image ${ref}: not in the memory registry.`,
        );
      calls.push(`pull ${ref}`);
      onProgress({ status: 'Downloaded' });
      images.set(ref, found);
    },
    async buildImage(request: BuildRequest, onProgress) {
      alive();
      calls.push(`build ${request.tag}`);
      onProgress({ status: 'Step 1/1' });
      const image = imageInfo({ labels: { ...request.labels } });
      images.set(request.tag, image);
      built.set(image.id, new Date().toISOString());
      return image.id;
    },
    async listImages(selector): Promise<ImageSummary[]> {
      alive();
      const byId = new Map<string, ImageSummary>();
      for (const [tag, info] of images) {
        if (!matches(info.labels, selector)) continue;
        const summary = byId.get(info.id);
        if (summary) summary.tags.push(tag);
        else
          byId.set(info.id, {
            id: info.id,
            name: tag,
            labels: info.labels,
            tags: [tag],
            ...(built.has(info.id) ? { createdAt: built.get(info.id)! } : {}),
          });
      }
      return [...byId.values()];
    },
    async importImage(tar, ref, labels) {
      alive();
      // Consumed as the engine would; the content is not kept.
      for await (const _chunk of tar as AsyncIterable<unknown>) void _chunk;
      const imported = imageInfo({ labels: { ...labels }, cmd: [] });
      images.set(ref, imported);
      calls.push(`import ${ref}`);
      return imported.id;
    },
    async removeImage(nameOrId) {
      alive();
      const info = images.get(nameOrId) ?? [...images.values()].find((i) => i.id === nameOrId);
      if (!info) return;
      const tags = [...images].filter(([, i]) => i.id === info.id).map(([tag]) => tag);
      const last = !images.has(nameOrId) || tags.length === 1;
      // As the engine: the last tag (or the id) of an image a container uses stays, unforced.
      if (last && [...containers.values()].some((c) => c.imageId === info.id))
        throw new DevenvError('ENGINE_ERROR', `Conflict: image ${nameOrId} is used by a container.`);
      for (const tag of images.has(nameOrId) ? [nameOrId] : tags) images.delete(tag);
      calls.push(`remove image ${nameOrId}`);
    },
    async tagImage(source, target) {
      alive();
      const info = images.get(source) ?? [...images.values()].find((i) => i.id === source);
      if (!info) return false;
      images.set(target, info);
      calls.push(`tag ${target}`);
      return true;
    },

    async listNetworks(selector) {
      alive();
      return [...networks.values()].filter((n) => matches(n.labels, selector));
    },
    async createNetwork(name, labels) {
      alive();
      const id = nextId('n');
      networks.set(id, { id, name, labels: { ...labels }, createdAt: new Date().toISOString() });
      calls.push(`create network ${name}`);
      return id;
    },
    async removeNetwork(nameOrId) {
      alive();
      for (const [id, n] of networks) if (id === nameOrId || n.name === nameOrId) networks.delete(id);
    },
    async connectNetwork(network, container) {
      alive();
      calls.push(`connect ${container} to ${network}`);
    },
    async disconnectNetwork(network, container) {
      alive();
      calls.push(`disconnect ${container} from ${network}`);
    },
    async listVolumes(selector) {
      alive();
      return [...volumes.values()].filter((v) => matches(v.labels, selector));
    },
    async createVolume(name, labels) {
      alive();
      if (!volumes.has(name)) volumes.set(name, { id: name, name, labels: { ...labels } });
      return name;
    },
    async removeVolume(name) {
      alive();
      volumes.delete(name);
    },
    async fillVolumeFromImage(volume, image) {
      alive();
      if (!volumes.has(volume)) throw new DevenvError('ENGINE_ERROR', `No such volume: ${volume}`);
      if (!images.has(image)) throw new DevenvError('ENGINE_ERROR', `No such image: ${image}`);
      calls.push(`fill ${volume} from ${image}`);
      filledVolumes.add(volume);
    },

    async listContainers(selector) {
      alive();
      return [...containers.values()].filter((c) => matches(c.request.labels, selector)).map(statusOf);
    },
    async createContainer(request) {
      alive();
      if (find(request.name))
        throw new DevenvError('ENGINE_ERROR', `Conflict: the container name "${request.name}" is in use.`);
      const id = nextId('c');
      const imageId = images.get(request.image)?.id;
      containers.set(id, {
        id,
        request: structuredClone(request),
        ...(imageId !== undefined ? { imageId } : {}),
        state: 'created',
        health: request.healthcheck && request.healthcheck !== 'disabled' ? 'starting' : 'none',
        ports: [],
        createdAt: new Date().toISOString(),
        restartCount: 0,
        logs: [],
        wake: new Set(),
      });
      calls.push(`create ${request.name}`);
      return id;
    },
    async startContainer(id) {
      alive();
      const c = find(id);
      if (!c) throw new DevenvError('ENGINE_ERROR', `No such container: ${id}`);
      if (c.state === 'running') return;
      c.ports = c.request.ports.map((binding) => ({
        containerPort: binding.containerPort,
        protocol: binding.protocol,
        hostIp: binding.hostIp,
        hostPort: binding.hostPort ? Number(binding.hostPort) : nextPort++,
      }));
      c.state = 'running';
      delete c.exitCode;
      c.startedAt = new Date().toISOString();
      calls.push(`start ${c.request.name}`);
    },
    async stopContainer(id) {
      alive();
      const c = find(id);
      if (c) stop(c, 0);
    },
    async removeContainer(id) {
      alive();
      const c = find(id);
      if (!c) return;
      stop(c, 137);
      containers.delete(c.id);
      calls.push(`remove ${c.request.name}`);
    },
    async restartContainer(id) {
      alive();
      const c = find(id);
      if (!c) throw new DevenvError('ENGINE_ERROR', `No such container: ${id}`);
      stop(c, 0);
      c.restartCount += 1;
      c.state = 'running';
      delete c.exitCode;
    },
    async inspectContainer(id) {
      alive();
      const c = find(id);
      return c ? statusOf(c) : undefined;
    },
    async logs(id, logOptions: LogOptions, onLine) {
      alive();
      const c = find(id);
      if (!c) throw new DevenvError('ENGINE_ERROR', `No such container: ${id}`);
      let sent = 0;
      const flush = () => {
        for (; sent < c.logs.length; sent++) onLine(c.logs[sent]!);
      };
      flush();
      if (!logOptions.follow) return;
      while (c.state === 'running' && !gone && !logOptions.signal?.aborted) {
        await new Promise<void>((resolve) => {
          c.wake.add(resolve);
          logOptions.signal?.addEventListener('abort', () => resolve(), { once: true });
        });
        c.wake.clear();
        flush();
      }
    },
    async exec(id, command): Promise<ExecResult> {
      alive();
      const c = find(id);
      // A server's own client (devenv's readiness probe of an unpublished Postgres or Redis) answers once the
      // container runs, unless the test holds it back (health 'starting'); a healthcheck passes exactly when the
      // test set the container healthy.
      if (command[0] === 'pg_isready' || command[0] === 'redis-cli') {
        const up = c?.state === 'running' && c.health !== 'starting' && c.health !== 'unhealthy';
        return { exitCode: up ? 0 : 2, output: up && command[0] === 'redis-cli' ? 'PONG\n' : '' };
      }
      return {
        exitCode: c?.state === 'running' && c.health === 'healthy' ? 0 : 1,
        output: command.join(' '),
      };
    },
    async execStream(id, command, execOptions) {
      alive();
      const c = find(id);
      if (c?.state !== 'running')
        throw new DevenvError(
          'ENGINE_ERROR',
          `Could not run \`${command.join(' ')}\`: container ${id} is not running.`,
        );
      return runProgram(programs.get(command[0] ?? ''), command, c.request.name, execOptions);
    },
    async pathExists(id, path) {
      alive();
      const c = find(id);
      if (!c) return false;
      const under = (dir: string) => path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
      const roots = [
        ...(c.request.files ?? []).map((file) => file.path),
        ...c.request.mounts.flatMap((m) =>
          m.type === 'volume' && filledVolumes.has(m.source) ? [m.target] : [],
        ),
        ...(copiedInto.get(c.id) ?? []),
      ];
      return path === '/' || roots.some((root) => under(root) || root.startsWith(`${path}/`));
    },
    async copyFromContainer() {
      alive();
      return Readable.from([]);
    },
    async copyToContainer(id, dir) {
      alive();
      const c = find(id);
      if (c) copiedInto.set(c.id, [...(copiedInto.get(c.id) ?? []), dir]);
    },
  };
  return engine;
}

/** An image in the engine already (a local image, as the stand-ins are). */
export function withImage(engine: MemoryEngine, ref: string, partial: Partial<ImageInfo> = {}): void {
  engine.images.set(ref, imageInfo(partial));
}
