/** Networks: list by labels, create, remove, attach and detach containers. */
import type { LabelSelector, ResourceSummary } from '../../../contracts/engine.js';
import { engineMessage, engineStatus } from '../engine-errors.js';
import { bodyOnly, labelFilter, type ClientContext } from './client-context.js';
import { Labels } from '../../../core/stack/labels.js';

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
      const network = await this.context.docker.createNetwork(
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
      throw await this.context.createFailed(
        error,
        `create network ${name}`,
        'network',
        name,
        labels[Labels.stack],
      );
    }
  }

  async removeNetwork(nameOrId: string): Promise<void> {
    await this.context.removeIfPresent(
      () => this.context.docker.getNetwork(nameOrId).remove(),
      `remove network ${nameOrId}`,
    );
  }

  async connectNetwork(network: string, container: string): Promise<void> {
    try {
      await this.context.docker.getNetwork(network).connect({ Container: container });
    } catch (error) {
      // 403 "endpoint with name ... already exists in network": attached already.
      if (engineStatus(error) === 403 && /already exists/i.test(engineMessage(error))) return;
      throw this.context.fail(error, `connect container ${container} to network ${network}`);
    }
  }

  async disconnectNetwork(network: string, container: string): Promise<void> {
    try {
      await this.context.docker.getNetwork(network).disconnect({ Container: container, Force: true });
    } catch (error) {
      const status = engineStatus(error);
      if (status === 404 || (status === 500 && /is not connected/i.test(engineMessage(error)))) return;
      throw this.context.fail(error, `disconnect container ${container} from network ${network}`);
    }
  }
}
