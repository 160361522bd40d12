/** Overlay networks of a swarm: the network client's, with the overlay driver, swarm scope and attachable (a test or a one-off task can join them). */
import type { LabelSelector, ResourceSummary } from '../../../contracts/engine.js';
import type { ClientContext } from './client-context.js';
import { NetworkClient } from './network-client.js';

export class OverlayNetworkClient {
  private readonly networks: NetworkClient;

  constructor(context: ClientContext) {
    this.networks = new NetworkClient(context);
  }

  listNetworks(selector: LabelSelector): Promise<ResourceSummary[]> {
    return this.networks.listNetworks(selector, { driver: 'overlay', scope: 'swarm' });
  }

  createNetwork(
    name: string,
    labels: Record<string, string>,
    options: { internal: boolean },
  ): Promise<string> {
    return this.networks.createNetwork(name, labels, { ...options, driver: 'overlay', attachable: true });
  }

  removeNetwork(id: string): Promise<void> {
    return this.networks.removeNetwork(id);
  }
}
