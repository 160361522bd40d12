/** Swarm services: list by labels, create, update (the whole spec), remove; and their logs. */
import type { LabelSelector, LogLine, LogOptions } from '../../../contracts/engine.js';
import type { SwarmService, SwarmServiceSpec } from '../../../contracts/swarm-engine.js';
import { swarmServiceBody } from './swarm-service-body.js';
import { bodyOnly, labelFilter, type ClientContext } from './client-context.js';
import { readLogStream } from './log-stream.js';

interface ServiceObject {
  ID: string;
  Version?: { Index?: number };
  CreatedAt?: string;
  UpdatedAt?: string;
  Spec?: { Name?: string; Labels?: Record<string, string>; Mode?: { Replicated?: { Replicas?: number } } };
}

export class SwarmServiceClient {
  constructor(private readonly context: ClientContext) {}

  async listServices(selector: LabelSelector): Promise<SwarmService[]> {
    try {
      const services = (await this.context.docker.listServices({
        filters: { label: labelFilter(selector) },
      })) as ServiceObject[];
      return services.map((service) => ({
        id: service.ID,
        name: service.Spec?.Name ?? service.ID,
        labels: service.Spec?.Labels ?? {},
        version: service.Version?.Index ?? 0,
        replicas: service.Spec?.Mode?.Replicated?.Replicas ?? 1,
        createdAt: service.CreatedAt ?? '',
        updatedAt: service.UpdatedAt ?? '',
      }));
    } catch (error) {
      throw this.context.fail(error, 'list swarm services');
    }
  }

  async createService(spec: SwarmServiceSpec): Promise<string> {
    try {
      const created = (await this.context.docker.createService(
        bodyOnly(swarmServiceBody(spec)) as never,
      )) as unknown as { id: string };
      return created.id;
    } catch (error) {
      throw this.context.fail(error, `create swarm service ${spec.name}`);
    }
  }

  async updateService(id: string, version: number, spec: SwarmServiceSpec): Promise<void> {
    try {
      await this.context.docker
        .getService(id)
        .update(bodyOnly(swarmServiceBody(spec), { version: String(version) }) as never);
    } catch (error) {
      throw this.context.fail(error, `update swarm service ${spec.name}`);
    }
  }

  async restartService(id: string): Promise<void> {
    try {
      const service = this.context.docker.getService(id);
      const current = (await service.inspect()) as {
        Version: { Index: number };
        Spec: { TaskTemplate?: { ForceUpdate?: number } } & Record<string, unknown>;
      };
      const template = current.Spec.TaskTemplate ?? {};
      const spec = {
        ...current.Spec,
        TaskTemplate: { ...template, ForceUpdate: (template.ForceUpdate ?? 0) + 1 },
      };
      await service.update(bodyOnly(spec, { version: String(current.Version.Index) }) as never);
    } catch (error) {
      throw this.context.fail(error, `restart swarm service ${id}`);
    }
  }

  async removeService(id: string): Promise<void> {
    await this.context.removeIfPresent(
      () => this.context.docker.getService(id).remove(),
      `remove swarm service ${id}`,
    );
  }

  /** The service's logs from every task (the manager collects them from the nodes). */
  async serviceLogs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void> {
    if (options.signal?.aborted) return;
    // Service logs are always multiplexed; the timestamps option is the caller's.
    await readLogStream(
      this.context,
      {
        path: `/services/${encodeURIComponent(id)}/logs?`,
        what: `read logs of swarm service ${id}`,
        statusCodes: {
          200: true,
          404: 'no such service',
          500: 'server error',
          503: 'node is not part of a swarm',
        },
        multiplexed: true,
      },
      options,
      onLine,
    );
  }
}
