/**
 * A ready copy per image directory, kept on the engine, so that filling a new
 * volume is a few renames instead of the engine copying the data (48 MB of a
 * Postgres data directory: 0.6-1.2 s here, most of an `up` of Postgres+Redis).
 *
 * A helper container (a tools image given by the caller, e.g. the Postgres
 * image itself: it has sh, cp, mv) has the engine's volume directory and,
 * read-only, its overlay2 layer directory mounted. The copy is made from the
 * image's layer (`cp -a`) into a pool volume, in a detached exec: it goes on
 * after this process has exited, and the next fill finds it ready. A claim
 * moves the copy's entries into the new, empty volume (fill-pool-scripts.ts).
 *
 * Only where that layout holds: overlay2, a single-layer image (devenv's data
 * caches are), local volumes without options under the engine's root. Anywhere
 * else (another storage driver, Docker Desktop's VM, a volume driver) nothing
 * is claimed and the caller fills the usual way.
 *
 * Pool volumes and the helper carry devenv's fill-pool label and no stack's:
 * `down --volumes` leaves them, `gc` removes a pool whose image is gone, and
 * `gc --data-cache` removes them all (app/data-cache-gc.ts).
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { Labels } from '../../../core/stack/labels.js';
import { bodyOnly, type ClientContext } from './client-context.js';
import { ContainerClient } from './container-client.js';
import { ExecClient } from './exec-client.js';
import { ImageClient } from './image-client.js';
import {
  CLAIM_NONE_READY,
  CLAIM_SCRIPT,
  CLAIM_TARGET_NOT_EMPTY,
  IDLE_SCRIPT,
  REFILL_SCRIPT,
} from './fill-pool-scripts.js';

export const FILL_POOL_HELPER = 'devenv-fill-pool-helper';
const VOLUMES_IN_HELPER = '/devenv-volumes';
const LAYERS_IN_HELPER = '/devenv-layers';

/** Where one image directory's copies come from and go. */
interface PoolSource {
  /** The directory in the helper, from the image's layer. */
  sourceDir: string;
  /** The pool volume's name, and its directory in the helper. */
  pool: string;
  poolDir: string;
  imageId: string;
}

/** Name of the pool volume for `path` of image `imageId`. */
export function fillPoolVolume(imageId: string, path: string): string {
  const hash = createHash('sha256').update(`${imageId}\n${path}`).digest('hex').slice(0, 16);
  return `devenv-fill-pool-${hash}`;
}

export class FillPool {
  private root: Promise<string | undefined> | undefined;
  private helper: Promise<string> | undefined;
  private readonly sources = new Map<string, Promise<PoolSource | undefined>>();
  private readonly execs: ExecClient;
  private readonly containers: ContainerClient;
  private readonly images: ImageClient;

  constructor(private readonly context: ClientContext) {
    this.execs = new ExecClient(context);
    this.containers = new ContainerClient(context);
    this.images = new ImageClient(context);
  }

  /**
   * Moves the ready copy of `path` of `image` into `volume` (created empty by the caller).
   * False when there is none, or the layout does not allow it: then `volume` is unchanged.
   * Throws when moving failed part way (the volume may hold part of the copy).
   */
  async claim(volume: string, image: string, path: string, toolsImage: string): Promise<boolean> {
    let helper: string, target: string | undefined, source: PoolSource | undefined;
    try {
      // A helper started by this process a moment ago needs no second look; one from before might be gone.
      const known = this.helper !== undefined;
      [source, target, helper] = await Promise.all([
        this.source(image, path),
        this.volumeDir(volume),
        this.ensureHelper(toolsImage),
      ]);
      if (source === undefined || target === undefined) return false;
      if (known && !(await this.running(helper))) return false;
    } catch {
      return false;
    }
    // From here a failure may have moved part of a copy in: it is an error, not a "no".
    const claimed = await this.execs.exec(helper, [
      'sh',
      '-c',
      CLAIM_SCRIPT,
      'claim',
      source.poolDir,
      target,
      volume,
    ]);
    if (claimed.exitCode === CLAIM_NONE_READY || claimed.exitCode === CLAIM_TARGET_NOT_EMPTY) return false;
    if (claimed.exitCode !== 0)
      throw new Error(`moving the ready copy into volume ${volume} failed: ${claimed.output.trim()}`);
    return true;
  }

  /** Starts a copy for the next fill, unless there is one (nothing when the layout does not allow it). */
  async prepare(image: string, path: string, toolsImage: string): Promise<void> {
    const source = await this.source(image, path);
    if (source === undefined) return;
    const [helper] = await Promise.all([this.ensureHelper(toolsImage), this.ensurePool(source)]);
    try {
      await this.startRefill(helper, source);
    } catch {
      // Removed since (`gc --data-cache`): made again, once.
      this.helper = undefined;
      await this.startRefill(await this.ensureHelper(toolsImage), source);
    }
  }

  private async running(container: string): Promise<boolean> {
    const status = await this.containers.inspectContainer(container).catch(() => undefined);
    if (status?.state === 'running') return true;
    this.helper = undefined;
    return false;
  }

  /** The engine's root directory when its volumes and layers have the layout this needs. */
  private engineRoot(): Promise<string | undefined> {
    this.root ??= this.context.docker.info().then(
      (info: { DockerRootDir?: string; Driver?: string }) =>
        info.Driver === 'overlay2' && info.DockerRootDir ? info.DockerRootDir : undefined,
      () => undefined,
    );
    return this.root;
  }

  /** Where copies of `path` of `image` come from and go; looked up once per process. */
  private source(image: string, path: string): Promise<PoolSource | undefined> {
    const key = `${image}\n${path}`;
    let found = this.sources.get(key);
    if (found === undefined) {
      found = this.findSource(image, path);
      this.sources.set(key, found);
    }
    return found;
  }

  /** An engine object's raw inspect (its layout, which the contract's types leave out) and the engine's root. */
  private async withRoot<T>(inspect: Promise<T>): Promise<{ root: string; inspected: T } | undefined> {
    const [root, inspected] = await Promise.all([this.engineRoot(), inspect.catch(() => undefined)]);
    return root === undefined || inspected === undefined ? undefined : { root, inspected };
  }

  private async findSource(image: string, path: string): Promise<PoolSource | undefined> {
    const found = await this.withRoot(this.context.docker.getImage(image).inspect());
    if (found === undefined) return undefined;
    const { root, inspected } = found;
    const { GraphDriver, RootFS } = inspected as {
      GraphDriver?: { Name?: string; Data?: { UpperDir?: string } };
      RootFS?: { Layers?: string[] };
    };
    const upper = GraphDriver?.Data?.UpperDir;
    const layers = `${root}/overlay2/`;
    if (GraphDriver?.Name !== 'overlay2' || RootFS?.Layers?.length !== 1 || !upper?.startsWith(layers))
      return undefined;
    const pool = fillPoolVolume(inspected.Id, path);
    return {
      sourceDir: posix.join(LAYERS_IN_HELPER, upper.slice(layers.length), path),
      pool,
      poolDir: `${VOLUMES_IN_HELPER}/${pool}/_data`,
      imageId: inspected.Id,
    };
  }

  /** The volume's directory in the helper, when it is a plain local volume under the engine's root. */
  private async volumeDir(volume: string): Promise<string | undefined> {
    const found = await this.withRoot(this.context.docker.getVolume(volume).inspect());
    if (found === undefined) return undefined;
    const { root, inspected } = found;
    const { Driver, Mountpoint, Options } = inspected as {
      Driver?: string;
      Mountpoint?: string;
      Options?: Record<string, string> | null;
    };
    if (Driver !== 'local' || Object.keys(Options ?? {}).length > 0) return undefined;
    if (Mountpoint !== `${root}/volumes/${volume}/_data`) return undefined;
    return `${VOLUMES_IN_HELPER}/${volume}/_data`;
  }

  private async ensurePool(source: PoolSource): Promise<void> {
    await this.context.docker.createVolume(
      bodyOnly({
        Name: source.pool,
        Driver: 'local',
        Labels: { [Labels.fillPool]: 'copy', [Labels.fillPoolImage]: source.imageId },
      }),
    );
  }

  /** A detached exec: the engine runs it to the end whether or not this process is still there. */
  private async startRefill(helper: string, source: PoolSource): Promise<void> {
    const exec = await this.context.docker.getContainer(helper).exec({
      Cmd: ['sh', '-c', REFILL_SCRIPT, 'refill', source.poolDir, source.sourceDir],
      AttachStdout: false,
      AttachStderr: false,
    });
    // The answer is an empty stream: left unread, its socket would keep this process alive.
    const answer = (await exec.start({ Detach: true })) as unknown as Readable | undefined;
    answer?.destroy();
  }

  /** The running helper's id: created and started on first need, shared by every fill on this engine. */
  private ensureHelper(toolsImage: string): Promise<string> {
    this.helper ??= this.startHelper(toolsImage).catch((error: unknown) => {
      this.helper = undefined;
      throw error;
    });
    return this.helper;
  }

  private async startHelper(toolsImage: string): Promise<string> {
    const root = await this.engineRoot();
    if (root === undefined) throw new Error('the engine has no overlay2 layout');
    const existing = await this.containers.inspectContainer(FILL_POOL_HELPER);
    if (existing !== undefined) {
      if (existing.state !== 'running')
        await this.containers.startContainer(existing.id).catch(() => undefined);
      return existing.id;
    }
    // The image's VOLUMEs (the Postgres image declares its data directory) get a tmpfs each:
    // an anonymous volume would be left behind whenever the helper is removed without -v.
    const declared = (await this.images.inspectImage(toolsImage))?.volumes ?? [];
    let id: string;
    try {
      id = await this.containers.createContainer({
        name: FILL_POOL_HELPER,
        image: toolsImage,
        entrypoint: ['sh', '-c', IDLE_SCRIPT],
        command: [],
        user: '0:0',
        env: {},
        labels: { [Labels.fillPool]: 'helper' },
        networkMode: 'none',
        networks: [],
        ports: [],
        expose: [],
        mounts: [
          { type: 'bind', source: `${root}/volumes`, target: VOLUMES_IN_HELPER, readOnly: false },
          { type: 'bind', source: `${root}/overlay2`, target: LAYERS_IN_HELPER, readOnly: true },
          ...declared.map((target) => ({ type: 'tmpfs' as const, target })),
        ],
        init: false,
        stopTimeoutSeconds: 1,
        restartPolicy: 'no',
        tty: false,
        openStdin: false,
        extraHosts: [],
      });
    } catch (error) {
      // Another process created it first: take theirs.
      const theirs = await this.containers.inspectContainer(FILL_POOL_HELPER);
      if (theirs === undefined) throw error;
      id = theirs.id;
    }
    await this.containers.startContainer(id);
    return id;
  }
}
