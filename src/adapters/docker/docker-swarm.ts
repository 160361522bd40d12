/**
 * SwarmEngine on a Docker engine that is a swarm manager, through dockerode:
 * one client per resource (clients/swarm-*, overlay-network-client), as
 * DockerEngine composes its own. And a node's own engine (SwarmNodeEngine):
 * its containers as a DockerEngine, plus image save/load.
 */
import type Dockerode from 'dockerode';
import type {
  EngineInfo,
  LabelSelector,
  LogLine,
  LogOptions,
  ResourceSummary,
} from '../../contracts/engine.js';
import type {
  SwarmEngine,
  SwarmNode,
  SwarmNodeEngine,
  SwarmService,
  SwarmServiceSpec,
  SwarmState,
  SwarmTask,
} from '../../contracts/swarm-engine.js';
import { ClientContext, labelFilter } from './clients/client-context.js';
import { ImageTransferClient } from './clients/image-transfer-client.js';
import { OverlayNetworkClient } from './clients/overlay-network-client.js';
import { SwarmNodeClient } from './clients/swarm-node-client.js';
import { SwarmObjectClient } from './clients/swarm-object-client.js';
import { SwarmServiceClient } from './clients/swarm-service-client.js';
import { SwarmTaskClient } from './clients/swarm-task-client.js';
import { connectDocker, type DockerEndpoint } from './connect.js';
import { DockerEngine } from './docker-engine.js';
import { readEngineInfo } from './clients/engine-info.js';
import { dockerConfigText } from './docker-config-file.js';
import { registryAuth } from '../../core/swarm/registry-auth.js';
import { registryHost } from '../../core/swarm/registry-reference.js';

export class DockerSwarm implements SwarmEngine {
  private readonly context: ClientContext;
  private readonly services: SwarmServiceClient;
  private readonly tasks: SwarmTaskClient;
  private readonly nodeClient: SwarmNodeClient;
  private readonly networks: OverlayNetworkClient;
  private readonly secrets: SwarmObjectClient;
  private readonly configs: SwarmObjectClient;

  constructor(docker: Dockerode, endpoint: DockerEndpoint, apiVersion?: string) {
    this.context = new ClientContext(docker, endpoint, apiVersion);
    this.services = new SwarmServiceClient(this.context);
    this.tasks = new SwarmTaskClient(this.context);
    this.nodeClient = new SwarmNodeClient(this.context);
    this.networks = new OverlayNetworkClient(this.context);
    this.secrets = new SwarmObjectClient(this.context, 'secret');
    this.configs = new SwarmObjectClient(this.context, 'config');
  }

  /** Connects as DockerEngine does (DOCKER_HOST, a context, the usual sockets). */
  static async connect(env: Record<string, string | undefined> = process.env): Promise<DockerSwarm> {
    const connected = await connectDocker(env);
    return new DockerSwarm(connected.docker, connected.endpoint, connected.apiVersion);
  }

  info(): Promise<EngineInfo> {
    return readEngineInfo(this.context);
  }

  swarm(): Promise<SwarmState> {
    return this.nodeClient.swarm();
  }
  nodes(): Promise<SwarmNode[]> {
    return this.nodeClient.nodes();
  }
  listServices(selector: LabelSelector): Promise<SwarmService[]> {
    return this.services.listServices(selector);
  }
  createService(spec: SwarmServiceSpec): Promise<string> {
    return this.services.createService(spec);
  }
  updateService(id: string, version: number, spec: SwarmServiceSpec): Promise<void> {
    return this.services.updateService(id, version, spec);
  }
  restartService(id: string): Promise<void> {
    return this.services.restartService(id);
  }
  removeService(id: string): Promise<void> {
    return this.services.removeService(id);
  }
  listTasks(serviceIds: readonly string[]): Promise<SwarmTask[]> {
    return this.tasks.listTasks(serviceIds);
  }
  serviceLogs(id: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void> {
    return this.services.serviceLogs(id, options, onLine);
  }
  listNetworks(selector: LabelSelector): Promise<ResourceSummary[]> {
    return this.networks.listNetworks(selector);
  }
  createNetwork(
    name: string,
    labels: Record<string, string>,
    options: { internal: boolean },
  ): Promise<string> {
    return this.networks.createNetwork(name, labels, options);
  }
  removeNetwork(id: string): Promise<void> {
    return this.networks.removeNetwork(id);
  }
  listSecrets(selector: LabelSelector): Promise<ResourceSummary[]> {
    return this.secrets.list(selector);
  }
  ensureSecret(name: string, content: string | Uint8Array, labels: Record<string, string>): Promise<string> {
    return this.secrets.ensure(name, content, labels);
  }
  removeSecret(id: string): Promise<void> {
    return this.secrets.remove(id);
  }
  listConfigs(selector: LabelSelector): Promise<ResourceSummary[]> {
    return this.configs.list(selector);
  }
  ensureConfig(name: string, content: string | Uint8Array, labels: Record<string, string>): Promise<string> {
    return this.configs.ensure(name, content, labels);
  }
  removeConfig(id: string): Promise<void> {
    return this.configs.remove(id);
  }
}

/** A swarm node's own engine at `endpoint` (unix://, tcp://, ssh://), as `node` in the swarm. */
export async function connectSwarmNode(node: string, endpoint: string): Promise<SwarmNodeEngine> {
  const connected = await connectDocker({ DOCKER_HOST: endpoint });
  const context = new ClientContext(connected.docker, connected.endpoint, connected.apiVersion);
  const images = new ImageTransferClient(context);
  return {
    node,
    endpoint: connected.endpoint.endpoint,
    containers: new DockerEngine(connected.docker, connected.endpoint, connected.apiVersion),
    imageId: (ref) => images.imageId(ref),
    saveImage: (ref) => images.saveImage(ref),
    loadImage: (tar) => images.loadImage(tar),
    pushImage: async (source, target) =>
      images.pushImage(source, target, registryAuth(await dockerConfigText(), registryHost(target))),
    taskContainers: async (selector) => {
      try {
        const listed = await connected.docker.listContainers({
          all: true,
          filters: { label: labelFilter(selector) },
        });
        return listed
          .filter((container) => container.Labels?.['com.docker.swarm.task.id'] !== undefined)
          .map((container) => container.Id);
      } catch (error) {
        throw context.fail(error, 'list task containers');
      }
    },
    pullImage: async (ref) =>
      images.pullImage(ref, registryAuth(await dockerConfigText(), registryHost(ref)), node),
  };
}
