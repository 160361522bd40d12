/** Volumes: list by labels, create, fill from an image, remove. */
import type { FillOptions, LabelSelector, ResourceSummary } from '../../../contracts/engine.js';
import { bodyOnly, labelFilter, type ClientContext } from './client-context.js';
import { FillPool } from './fill-pool.js';

export class VolumeClient {
  private readonly pool: FillPool;

  constructor(private readonly context: ClientContext) {
    this.pool = new FillPool(context);
  }

  async listVolumes(selector: LabelSelector): Promise<ResourceSummary[]> {
    try {
      const answer = await this.context.docker.listVolumes({ filters: { label: labelFilter(selector) } });
      return (answer.Volumes ?? []).map((volume) => {
        const summary: ResourceSummary = { id: volume.Name, name: volume.Name, labels: volume.Labels ?? {} };
        const createdAt = (volume as { CreatedAt?: string }).CreatedAt;
        if (createdAt) summary.createdAt = createdAt;
        return summary;
      });
    } catch (error) {
      throw this.context.fail(error, 'list volumes');
    }
  }

  async createVolume(
    name: string,
    labels: Record<string, string>,
    options: { driver?: string } = {},
  ): Promise<string> {
    try {
      await this.context.docker.createVolume(
        bodyOnly({ Name: name, Labels: labels, Driver: options.driver ?? 'local' }),
      );
      return name;
    } catch (error) {
      throw this.context.fail(error, `create volume ${name}`);
    }
  }

  /**
   * The engine copies an image's content at a volume's mount point into the volume when the
   * volume is empty, as it creates a container (never when it has content). So: a container of
   * `image` that is created, never started, and removed. With a tools image, a ready copy from
   * the engine's fill pool is moved in instead when there is one, and the next is started.
   */
  async fillVolumeFromImage(
    volume: string,
    image: string,
    path: string,
    labels: Record<string, string>,
    options: FillOptions = {},
  ): Promise<void> {
    const { toolsImage } = options;
    if (toolsImage === undefined) return this.copyByEngine(volume, image, path, labels);
    // No ready copy, or no pool on this engine: the engine's copy fills the volume.
    let claimed: boolean;
    try {
      claimed = await this.pool.claim(volume, image, path, toolsImage);
    } catch (error) {
      throw this.context.fail(error, `fill volume ${volume} from the ready copy of ${image}`);
    }
    if (!claimed) await this.copyByEngine(volume, image, path, labels);
    // Not waited for: a few requests that start the next copy on the engine, which makes it while
    // the caller goes on (Postgres starts meanwhile; the copy goes on after this process exits).
    void this.pool.prepare(image, path, toolsImage).catch(() => undefined);
  }

  private async copyByEngine(
    volume: string,
    image: string,
    path: string,
    labels: Record<string, string>,
  ): Promise<void> {
    let id: string | undefined;
    try {
      const filler = await this.context.docker.createContainer(
        bodyOnly({
          Image: image,
          // Never run; a create needs a command and the image has none.
          Cmd: ['/devenv-never-started'],
          Labels: labels,
          NetworkDisabled: true,
          HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: path }], NetworkMode: 'none' },
        }),
      );
      id = filler.id;
    } catch (error) {
      throw this.context.fail(error, `fill volume ${volume} from image ${image}`);
    } finally {
      if (id !== undefined) {
        const created = id;
        await this.context.removeIfPresent(
          () => this.context.docker.getContainer(created).remove({ force: true, v: true }),
          `remove the container that filled volume ${volume}`,
        );
      }
    }
  }

  async removeVolume(name: string): Promise<void> {
    await this.context.removeIfPresent(
      () => this.context.docker.getVolume(name).remove(),
      `remove volume ${name}`,
    );
  }
}
