/** Networks: list by labels, create, remove, attach and detach containers. */
import type { LabelSelector, ResourceSummary } from '../../../contracts/engine.js';
import { engineMessage, engineStatus } from '../engine-errors.js';
import { bodyOnly, labelFilter, type ClientContext } from './client-context.js';
import { Labels } from '../../../core/stack/labels.js';

export class NetworkClient {
  constructor(private readonly context: ClientContext) {}

  /** Networks with the labels; `only` narrows to a driver and scope (a swarm's overlay networks). */
  async listNetworks(
    selector: LabelSelector,
    only: { driver?: string; scope?: 'local' | 'swarm' } = {},
  ): Promise<ResourceSummary[]> {
    try {
      const networks = await this.context.docker.listNetworks({
        filters: { label: labelFilter(selector), ...(only.driver ? { driver: [only.driver] } : {}) },
      });
      return networks
        .filter((network) => only.scope === undefined || network.Scope === only.scope)
        .map((network) => ({
          id: network.Id,
          name: network.Name,
          labels: network.Labels ?? {},
          createdAt: network.Created,
        }));
    } catch (error) {
      throw this.context.fail(error, `list ${only.driver ? `${only.driver} ` : ''}networks`);
    }
  }

  async createNetwork(
    name: string,
    labels: Record<string, string>,
    options: { internal?: boolean; driver?: string; attachable?: boolean } = {},
  ): Promise<string> {
    const driver = options.driver ?? 'bridge';
    try {
      const network = await this.context.docker.createNetwork(
        bodyOnly({
          Name: name,
          Labels: labels,
          CheckDuplicate: true,
          Internal: options.internal ?? false,
          Driver: driver,
          ...(options.attachable ? { Attachable: true } : {}),
        }),
      );
      return network.id;
    } catch (error) {
      throw await this.context.createFailed(
        error,
        `create ${driver === 'bridge' ? '' : `${driver} `}network ${name}`,
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
