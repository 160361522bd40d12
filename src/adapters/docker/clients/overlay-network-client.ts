/** Overlay networks of a swarm: attachable, so a test or a one-off task can join them. */
import type { LabelSelector, ResourceSummary } from '../../../contracts/engine.js';
import { bodyOnly, labelFilter, type ClientContext } from './client-context.js';
import { Labels } from '../../../core/stack/labels.js';

export class OverlayNetworkClient {
  constructor(private readonly context: ClientContext) {}

  async listNetworks(selector: LabelSelector): Promise<ResourceSummary[]> {
    try {
      const networks = await this.context.docker.listNetworks({
        filters: { label: labelFilter(selector), driver: ['overlay'] },
      });
      return networks
        .filter((network) => network.Scope === 'swarm')
        .map((network) => ({
          id: network.Id,
          name: network.Name,
          labels: network.Labels ?? {},
          createdAt: network.Created,
        }));
    } catch (error) {
      throw this.context.fail(error, 'list overlay networks');
    }
  }

  async createNetwork(
    name: string,
    labels: Record<string, string>,
    options: { internal: boolean },
  ): Promise<string> {
    try {
      const network = await this.context.docker.createNetwork(
        bodyOnly({
          Name: name,
          Labels: labels,
          CheckDuplicate: true,
          Internal: options.internal,
          Driver: 'overlay',
          Attachable: true,
        }),
      );
      return network.id;
    } catch (error) {
      throw await this.context.createFailed(
        error,
        `create overlay network ${name}`,
        'network',
        name,
        labels[Labels.stack],
      );
    }
  }

  async removeNetwork(id: string): Promise<void> {
    await this.context.removeIfPresent(
      () => this.context.docker.getNetwork(id).remove(),
      `remove network ${id}`,
    );
  }
}
