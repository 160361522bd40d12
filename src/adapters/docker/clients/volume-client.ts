/** Volumes: list by labels, create, remove. */
import type { LabelSelector, ResourceSummary } from '../../../contracts/engine.js';
import { bodyOnly, labelFilter, type ClientContext } from './client-context.js';

export class VolumeClient {
  constructor(private readonly context: ClientContext) {}

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

  async removeVolume(name: string): Promise<void> {
    await this.context.removeIfPresent(
      () => this.context.docker.getVolume(name).remove(),
      `remove volume ${name}`,
    );
  }
}
