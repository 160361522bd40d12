/** Swarm tasks: the instances of services, each on a node. */
import type { SwarmTask, TaskState } from '../../../contracts/swarm-engine.js';
import type { ClientContext } from './client-context.js';
import { engineStatus } from '../engine-errors.js';

interface TaskObject {
  ID: string;
  ServiceID?: string;
  Slot?: number;
  NodeID?: string;
  DesiredState?: string;
  CreatedAt?: string;
  UpdatedAt?: string;
  Status?: {
    State?: string;
    Message?: string;
    Err?: string;
    ContainerStatus?: { ContainerID?: string; ExitCode?: number };
    PortStatus?: { Ports?: { Protocol?: string; TargetPort?: number; PublishedPort?: number }[] };
  };
}

export class SwarmTaskClient {
  constructor(private readonly context: ClientContext) {}

  async listTasks(serviceIds: readonly string[]): Promise<SwarmTask[]> {
    try {
      return (await this.taskObjects(serviceIds)).map((task) => {
        const status = task.Status ?? {};
        const out: SwarmTask = {
          id: task.ID,
          serviceId: task.ServiceID ?? '',
          slot: task.Slot ?? 0,
          nodeId: task.NodeID ?? '',
          desiredState: task.DesiredState ?? '',
          state: (status.State ?? 'new') as TaskState,
          message: status.Message ?? '',
          // The engine lists a host-mode port once per address family: one entry each.
          ports: [
            ...new Map(
              (status.PortStatus?.Ports ?? []).map((port) => [
                `${port.TargetPort}/${port.Protocol}/${port.PublishedPort}`,
                {
                  containerPort: port.TargetPort ?? 0,
                  protocol: port.Protocol === 'udp' ? ('udp' as const) : ('tcp' as const),
                  hostPort: port.PublishedPort ?? 0,
                },
              ]),
            ).values(),
          ],
          createdAt: task.CreatedAt ?? '',
          updatedAt: task.UpdatedAt ?? '',
        };
        if (status.Err) out.error = status.Err;
        if (status.ContainerStatus?.ContainerID) out.containerId = status.ContainerStatus.ContainerID;
        if (status.ContainerStatus?.ExitCode !== undefined) out.exitCode = status.ContainerStatus.ExitCode;
        return out;
      });
    } catch (error) {
      throw this.context.fail(error, 'list swarm tasks');
    }
  }

  /**
   * The tasks of these services (all with none named). The engine refuses the whole filter when
   * one named service is gone (404: another devenv removed it a moment ago, as `preview rm`s at
   * once do): then every task, kept where its service is one of those asked.
   */
  private async taskObjects(serviceIds: readonly string[]): Promise<TaskObject[]> {
    const { docker } = this.context;
    if (serviceIds.length === 0) return (await docker.listTasks({})) as TaskObject[];
    try {
      return (await docker.listTasks({ filters: { service: [...serviceIds] } })) as TaskObject[];
    } catch (error) {
      if (engineStatus(error) !== 404) throw error;
      const all = (await docker.listTasks({})) as TaskObject[];
      return all.filter((task) => serviceIds.includes(task.ServiceID ?? ''));
    }
  }
}
