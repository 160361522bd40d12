/** The swarm this engine is in (its role) and the swarm's nodes. */
import type { SwarmNode, SwarmState } from '../../../contracts/swarm-engine.js';
import type { ClientContext } from './client-context.js';

interface NodeObject {
  ID: string;
  Spec?: { Labels?: Record<string, string>; Availability?: string };
  Description?: { Hostname?: string };
  Status?: { State?: string; Addr?: string };
  ManagerStatus?: { Addr?: string };
}

export class SwarmNodeClient {
  constructor(private readonly context: ClientContext) {}

  async swarm(): Promise<SwarmState> {
    try {
      const info = (await this.context.docker.info()) as {
        Swarm?: { LocalNodeState?: string; ControlAvailable?: boolean; NodeID?: string };
      };
      return {
        state: info.Swarm?.LocalNodeState ?? 'inactive',
        manager: info.Swarm?.ControlAvailable === true,
        nodeId: info.Swarm?.NodeID ?? '',
      };
    } catch (error) {
      throw this.context.fail(error, 'read the swarm state');
    }
  }

  async nodes(): Promise<SwarmNode[]> {
    try {
      const nodes = (await this.context.docker.listNodes()) as NodeObject[];
      return nodes.map((node) => {
        // A manager reports 0.0.0.0 as its status address at times; its manager address is right.
        const status = node.Status?.Addr ?? '';
        const address =
          status === '' || status === '0.0.0.0'
            ? (node.ManagerStatus?.Addr ?? '').replace(/:\d+$/, '')
            : status;
        return {
          id: node.ID,
          hostname: node.Description?.Hostname ?? node.ID,
          address,
          state: node.Status?.State ?? 'unknown',
          availability: node.Spec?.Availability ?? 'active',
          manager: node.ManagerStatus !== undefined,
          labels: node.Spec?.Labels ?? {},
        };
      });
    } catch (error) {
      throw this.context.fail(error, 'list swarm nodes');
    }
  }
}
