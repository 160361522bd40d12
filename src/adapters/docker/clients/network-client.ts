/** Networks: list by labels, create, remove. */
import type { LabelSelector, ResourceSummary } from '../../../contracts/engine.js';
import { labelFilter, type ClientContext } from './client-context.js';

export class NetworkClient {
  constructor(private readonly context: ClientContext) {}

  async listNetworks(selector: LabelSelector): Promise<ResourceSummary[]> {
    try {
      const networks = await this.context.docker.listNetworks({ filters: { label: labelFilter(selector) } });
      return networks.map((network) => ({
        id: network.Id,
        name: network.Name,
        labels: network.Labels ?? {},
        createdAt: network.Created,
      }));
    } catch (error) {
      throw this.context.fail(error, 'list networks');
    }
  }

  async createNetwork(
    name: string,
    labels: Record<string, string>,
    options: { internal?: boolean; driver?: string } = {},
  ): Promise<string> {
    try {
      const network = await this.context.docker.createNetwork({
        Name: name,
        Labels: labels,
        CheckDuplicate: true,
        Internal: options.internal ?? false,
        Driver: options.driver ?? 'bridge',
      });
      return network.id;
    } catch (error) {
      throw this.context.fail(error, `create network ${name}`);
    }
  }

  async removeNetwork(nameOrId: string): Promise<void> {
    await this.context.removeIfPresent(
      () => this.context.docker.getNetwork(nameOrId).remove(),
      `remove network ${nameOrId}`,
    );
  }
}
