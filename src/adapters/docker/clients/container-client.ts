/** Containers: list, create (networks, files), start, stop, restart, remove, inspect, copy in and out. */
import type Dockerode from 'dockerode';
import type { ContainerRequest, ContainerStatus, LabelSelector } from '../../../contracts/engine.js';
import { DevenvError } from '../../../core/errors.js';
import { createOptions } from '../container-spec.js';
import { containerStatus } from '../container-status.js';
import { packFiles } from '../context-tar.js';
import { engineMessage, engineStatus } from '../engine-errors.js';
import { bodyOnly, labelFilter, type ClientContext } from './client-context.js';
import { Labels } from '../../../core/stack/labels.js';

const portTakenPattern = /port is already allocated|address already in use|ports are not available/i;
/** A host IP the engine's machine does not have: `listen tcp4 10.9.9.9:32777: bind: cannot assign requested address`. */
const foreignAddressPattern = /listen \w+ (\S+):\d+: bind: cannot assign requested address/i;

export class ContainerClient {
  constructor(private readonly context: ClientContext) {}

  private container(id: string): Dockerode.Container {
    return this.context.docker.getContainer(id);
  }

  async listContainers(selector: LabelSelector): Promise<ContainerStatus[]> {
    let listed: Dockerode.ContainerInfo[];
    try {
      listed = await this.context.docker.listContainers({
        all: true,
        filters: { label: labelFilter(selector) },
      });
    } catch (error) {
      throw this.context.fail(error, 'list containers');
    }
    // A swarm task's container is the swarm's (a Swarm backend stack's), never a container stack's.
    const own = listed.filter((container) => container.Labels?.['com.docker.swarm.task.id'] === undefined);
    // The list lacks health logs, exit codes and start times: inspect each, in parallel.
    const statuses = await Promise.all(own.map((container) => this.inspectContainer(container.Id)));
    return statuses.filter((status): status is ContainerStatus => status !== undefined);
  }

  async createContainer(request: ContainerRequest): Promise<string> {
    const { name, ...body } = createOptions(request, await this.context.engineApiVersion());
    let id: string;
    try {
      id = (await this.context.docker.createContainer(bodyOnly(body, name === undefined ? {} : { name }))).id;
    } catch (error) {
      throw await this.context.createFailed(
        error,
        `create container ${request.name}`,
        'container',
        request.name,
        request.labels[Labels.stack],
      );
    }
    for (const attachment of request.networks.slice(1)) {
      try {
        await this.context.docker
          .getNetwork(attachment.network)
          .connect({ Container: id, EndpointConfig: { Aliases: attachment.aliases } });
      } catch (error) {
        await this.removeContainer(id, { force: true, volumes: true }).catch(() => undefined);
        throw this.context.fail(error, `connect container ${request.name} to network ${attachment.network}`);
      }
    }
    if (request.files && request.files.length > 0) {
      try {
        // Before the first start, so the process finds them; the tar creates missing directories.
        await this.container(id).putArchive(packFiles(request.files), { path: '/' });
      } catch (error) {
        await this.removeContainer(id, { force: true, volumes: true }).catch(() => undefined);
        throw this.context.fail(error, `copy secrets and configs into container ${request.name}`);
      }
    }
    return id;
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.container(id).start();
    } catch (error) {
      if (engineStatus(error) === 304) return;
      const message = engineMessage(error);
      if (portTakenPattern.test(message)) throw await this.portTaken(id, message, error);
      const foreign = foreignAddressPattern.exec(message);
      if (foreign) throw await this.foreignAddress(id, foreign[1] ?? '', message, error);
      throw this.context.fail(error, `start container ${id}`);
    }
  }

  /** PORT_TAKEN naming the host port: from the engine's message, else the container's fixed host ports. */
  private async portTaken(id: string, message: string, cause: unknown): Promise<DevenvError> {
    const where = /(?:Bind for |listen \w+ )(\S+):(\d+)\b/.exec(message);
    let port = where?.[2];
    let address = where ? `${where[1]}:${where[2]}` : undefined;
    let name = id;
    try {
      const inspect = await this.container(id).inspect();
      name = inspect.Name.replace(/^\//, '');
      if (port === undefined) {
        const bindings = Object.values(inspect.HostConfig.PortBindings ?? {}) as Array<Array<{
          HostIp?: string;
          HostPort?: string;
        }> | null>;
        const fixed = bindings.flatMap((list) => list ?? []).filter((binding) => binding.HostPort);
        port = fixed.map((binding) => binding.HostPort).join(', ') || undefined;
        address =
          fixed.map((binding) => `${binding.HostIp || '0.0.0.0'}:${binding.HostPort}`).join(', ') ||
          undefined;
      }
    } catch {
      // The message alone names what it can.
    }
    const shown = address ?? 'a fixed host port';
    return new DevenvError(
      'PORT_TAKEN',
      `Host port ${shown} is already taken, so container ${name} cannot start.`,
      {
        hint: `Free it (see what listens: \`ss -ltnp 'sport = :${port ?? 'PORT'}'\` or \`lsof -i :${port ?? 'PORT'}\`), or drop the fixed host port from the service's ports so the engine picks a free one.`,
        details: [message],
        cause,
      },
    );
  }

  /**
   * The engine's machine has no such address. devenv's default on a remote engine is the address
   * the engine is reached at, which a machine behind NAT or a forwarded port does not have.
   */
  private async foreignAddress(
    id: string,
    address: string,
    message: string,
    cause: unknown,
  ): Promise<DevenvError> {
    const name = await this.container(id)
      .inspect()
      .then((inspect) => inspect.Name.replace(/^\//, ''))
      .catch(() => id);
    const host = address.replace(/^\[(.*)\]$/, '$1');
    return new DevenvError(
      'ENGINE_ERROR',
      `Container ${name} cannot publish its ports on ${host}: the engine's machine has no such address.`,
      {
        hint: `Publish on one of that machine's addresses with --host-ip IP, or on all of them with --host-ip 0.0.0.0. (An engine reached through NAT or a forwarded port does not have the address this machine reaches it at, which is devenv's default for a remote engine.)`,
        details: [message],
        cause,
      },
    );
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.container(id).stop({ t: timeoutSeconds });
    } catch (error) {
      const status = engineStatus(error);
      if (status === 304 || status === 404) return;
      throw this.context.fail(error, `stop container ${id}`);
    }
  }

  async removeContainer(id: string, options: { force: boolean; volumes: boolean }): Promise<void> {
    try {
      await this.container(id).remove({ force: options.force, v: options.volumes });
    } catch (error) {
      const status = engineStatus(error);
      if (status === 404) return;
      if (status === 409 && /already in progress/i.test(engineMessage(error))) return;
      throw this.context.fail(error, `remove container ${id}`);
    }
  }

  async restartContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.container(id).restart({ t: timeoutSeconds });
    } catch (error) {
      const message = engineMessage(error);
      if (portTakenPattern.test(message)) throw await this.portTaken(id, message, error);
      throw this.context.fail(error, `restart container ${id}`);
    }
  }

  async inspectContainer(id: string): Promise<ContainerStatus | undefined> {
    try {
      return containerStatus(await this.container(id).inspect());
    } catch (error) {
      if (engineStatus(error) === 404) return undefined;
      throw this.context.fail(error, `inspect container ${id}`);
    }
  }

  /** HEAD of the archive endpoint: the engine stats the path (a few ms) instead of archiving it. */
  async pathExists(id: string, path: string): Promise<boolean> {
    try {
      // dockerode hands back the response as a stream: drained, or its socket keeps the process alive.
      const response = (await this.container(id).infoArchive({ path })) as NodeJS.ReadableStream;
      response.resume();
      return true;
    } catch (error) {
      if (engineStatus(error) === 404) return false;
      throw this.context.fail(error, `look for ${path} in container ${id}`);
    }
  }

  async copyFromContainer(id: string, path: string): Promise<NodeJS.ReadableStream> {
    try {
      return await this.container(id).getArchive({ path });
    } catch (error) {
      throw this.context.fail(error, `copy ${path} out of container ${id}`);
    }
  }

  /** Owners and modes come from the tar headers (no copyUIDGID, which would chown to the container's user). */
  async copyToContainer(id: string, dir: string, tar: NodeJS.ReadableStream): Promise<void> {
    try {
      await this.container(id).putArchive(tar, { path: dir });
    } catch (error) {
      throw this.context.fail(error, `copy files into ${dir} of container ${id}`);
    }
  }
}
