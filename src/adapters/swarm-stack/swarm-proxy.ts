/**
 * The preview proxy on a swarm (contracts/backend-proxy.ts): one Caddy service per port
 * (`devenv-proxy-<port>`, labelled `dev.devenv.proxy-server=<port>` as the container proxy
 * is), on the manager's node devenv talks to, publishing the port in host mode there (every
 * address of that node). It is on one network only, its own (proxy-network.ts), which every
 * routed service joins; it reaches each by service name there (dnsrr: the name resolves to
 * the tasks' addresses wherever they run), so a route keeps working when a task moves.
 *
 * Routes change without replacing its task: the Caddyfile lives in a volume on the manager's
 * node (`devenv-proxy-<port>`, labelled as the service), written and loaded by `caddy reload`
 * in the running task (as the container proxy is reloaded), so ten previews coming at once
 * are ten reloads, not ten task replacements, and a route change never takes the proxy down.
 * A restarted task starts from the last Caddyfile written. Only a change of the service's own
 * spec (its image) replaces the task; a spec hash label keeps an unchanged proxy as it is.
 */
import { createHash } from 'node:crypto';
import type { ContainerStatus, LabelSelector, ResourceSummary } from '../../contracts/engine.js';
import type { BackendProxy, ProxyApplied, ProxyWanted } from '../../contracts/backend-proxy.js';
import type { SwarmNodeEngine, SwarmServiceSpec, SwarmTask } from '../../contracts/swarm-engine.js';
import { DevenvError } from '../../core/errors.js';
import { CADDYFILE_ENV, reloadCommand, wasReloaded } from '../../core/proxy/reload-command.js';
import { PROXY_CONTAINER_PORT, proxyContainerName } from '../../core/proxy/routes.js';
import { Labels } from '../../core/stack/labels.js';
import { ensureProxyNetwork, proxyNetworkName } from './proxy-network.js';
import { currentTasks, serviceStatus } from './service-status.js';
import { nodeView, type SwarmCluster } from './swarm-nodes.js';
import { untilFree } from '../removal/until-free.js';
import { untilTasksGone } from './removal-waits.js';

/** Where the proxy's volume (its Caddyfile) is mounted in its task. */
const CONFIG_DIR = '/etc/devenv-proxy';
const CONFIG_FILE = `${CONFIG_DIR}/Caddyfile`;
/** A new task starts from the volume's Caddyfile, or the spec's when the volume is new. */
const RUN = `f=${CONFIG_FILE}; [ -s "$f" ] || printf '%s' "$${CADDYFILE_ENV}" > "$f"; exec caddy run --config "$f" --adapter caddyfile`;

const TASK_POLL_MS = 250;
/** How long a new proxy task may take to run (a loaded manager attaching it to its network). */
const TASK_WAIT_MS = 120_000;

/** What replaces the task when it changes: the image and how it is run (not its routes). */
function specHash(wanted: ProxyWanted): string {
  return createHash('sha256')
    .update(JSON.stringify([wanted.image, RUN, proxyNetworkName(wanted.port)]))
    .digest('hex')
    .slice(0, 16);
}

export class SwarmProxy implements BackendProxy {
  constructor(private readonly cluster: SwarmCluster) {}

  async routed(port: number): Promise<{ instances: ContainerStatus[]; networks: ResourceSummary[] }> {
    const { swarm } = this.cluster;
    const selector = { [Labels.proxy]: String(port) };
    const [services, networks, view] = await Promise.all([
      swarm.listServices(selector),
      swarm.listNetworks(selector),
      nodeView(this.cluster),
    ]);
    const tasks = services.length > 0 ? await swarm.listTasks(services.map((s) => s.id)) : [];
    const instances = services.map((service) =>
      serviceStatus(
        service,
        tasks.filter((task) => task.serviceId === service.id),
        view.nodes,
        view.address,
      ),
    );
    return { instances, networks };
  }

  async proxies(): Promise<{ port: number; name: string }[]> {
    const selector: LabelSelector = { [Labels.proxyServer]: true };
    // Its network too: a proxy whose service went (or never came) still has it to remove.
    const [services, networks] = await Promise.all([
      this.cluster.swarm.listServices(selector),
      this.cluster.swarm.listNetworks(selector),
    ]);
    const byPort = new Map<number, string>();
    for (const { labels, name } of [...networks, ...services]) {
      const port = Number(labels[Labels.proxyServer]);
      if (Number.isInteger(port)) byPort.set(port, name);
    }
    return [...byPort].map(([port, name]) => ({ port, name })).sort((a, b) => a.port - b.port);
  }

  async address(port: number): Promise<string> {
    // On the manager's own node (see apply): reached where that node's published ports are.
    return `${this.cluster.managerPublishedHost}:${port}`;
  }

  /** Networks are its own (proxy-network.ts): `wanted.networks` is not used. */
  async apply(wanted: ProxyWanted): Promise<ProxyApplied> {
    const { swarm } = this.cluster;
    const name = proxyContainerName(wanted.port);
    const hash = specHash(wanted);
    await ensureProxyNetwork(swarm, wanted.port, wanted.version);
    const [existing, state] = await Promise.all([
      swarm.listServices({ [Labels.proxyServer]: String(wanted.port) }),
      swarm.swarm(),
    ]);
    const address = await this.address(wanted.port);
    const labels = {
      [Labels.proxyServer]: String(wanted.port),
      [Labels.version]: wanted.version,
      [Labels.configHash]: hash,
    };
    const spec: SwarmServiceSpec = {
      name,
      labels,
      containerLabels: labels,
      image: wanted.image,
      command: ['sh', '-c', RUN],
      env: { [CADDYFILE_ENV]: wanted.caddyfile },
      init: false,
      tty: false,
      openStdin: false,
      stopGracePeriodSeconds: 2,
      mounts: [
        {
          type: 'volume',
          source: name,
          target: CONFIG_DIR,
          readOnly: false,
          volumeLabels: { [Labels.proxyServer]: String(wanted.port), [Labels.backend]: 'swarm' },
        },
      ],
      files: [],
      extraHosts: [],
      networks: [{ network: proxyNetworkName(wanted.port), aliases: [] }],
      replicas: 1,
      // The node of the manager devenv talks to: its address is known, for a manager on this
      // machine the URLs' *.localhost names reach it as they are, and its volume stays there.
      constraints: [`node.id==${state.nodeId}`],
      spreadOver: [],
      restart: { condition: 'any' },
      endpointMode: 'dnsrr',
      ports: [{ containerPort: PROXY_CONTAINER_PORT, protocol: 'tcp', publishedPort: wanted.port }],
    };
    const since = new Date(Date.now() - 1000).toISOString();
    const current = existing[0];
    if (current !== undefined && current.labels[Labels.configHash] === hash) {
      const running = currentTasks(await swarm.listTasks([current.id])).find(
        (task) => task.state === 'running' && task.containerId !== undefined,
      );
      if (running !== undefined) {
        const reloaded = await this.reload(running, name, wanted.caddyfile);
        return { name, address, change: reloaded ? 'updated' : 'kept' };
      }
    }
    let id: string;
    let change: ProxyApplied['change'];
    if (current !== undefined && current.labels[Labels.configHash] === hash) {
      // As wanted, but its task does not run: new tasks for the same spec.
      id = current.id;
      await swarm.restartService(id);
      change = 'updated';
    } else if (current !== undefined) {
      id = current.id;
      await swarm.updateService(id, current.version, spec);
      change = 'updated';
    } else {
      try {
        id = await swarm.createService(spec);
      } catch (error) {
        // Another process created it between our look and now: bring theirs to this spec.
        const raced = (await swarm.listServices({ [Labels.proxyServer]: String(wanted.port) }))[0];
        if (raced === undefined) throw error;
        id = raced.id;
        await swarm.updateService(id, raced.version, spec);
      }
      change = 'created';
    }
    const task = await this.untilRunning(id, name, wanted.port, since);
    // A new task of an existing proxy starts from the volume's Caddyfile: bring it to these routes.
    await this.reload(task, name, wanted.caddyfile);
    return { name, address, change };
  }

  async remove(port: number): Promise<string | undefined> {
    const { swarm } = this.cluster;
    const selector = { [Labels.proxyServer]: String(port) };
    const services = await swarm.listServices(selector);
    for (const service of services) await swarm.removeService(service.id);
    // Its task's container leaves its network and volume as it goes: wait, so they can be removed.
    await untilTasksGone(
      swarm,
      services.map((service) => service.id),
    );
    const removed = services.map((service) => service.name);
    // The network goes once no routed service is on it (else with the last stack, by the next sync).
    for (const network of await swarm.listNetworks(selector)) {
      const gone = await swarm.removeNetwork(network.id).then(
        () => true,
        () => false,
      );
      if (gone && !removed.includes(network.name)) removed.push(network.name);
    }
    const manager = await this.managerEngine();
    if (manager !== undefined)
      for (const volume of await manager.containers.listVolumes(selector))
        await untilFree(() => manager.containers.removeVolume(volume.name));
    return removed.length > 0 ? removed.join(', ') : undefined;
  }

  /** The manager's own engine (where the proxy's task runs, with its volume). */
  private async managerEngine(): Promise<SwarmNodeEngine | undefined> {
    const [engines, view] = await Promise.all([this.cluster.nodeEngines(), nodeView(this.cluster)]);
    const hostname = view.nodes.find((node) => node.id === view.selfId)?.hostname;
    return hostname !== undefined ? engines.get(hostname) : undefined;
  }

  /** The wanted Caddyfile written and loaded in the running task; whether it changed. */
  private async reload(task: SwarmTask, name: string, caddyfile: string): Promise<boolean> {
    const manager = await this.managerEngine();
    if (manager === undefined || task.containerId === undefined)
      throw new DevenvError('PROXY_FAILED', `The preview proxy ${name} runs where devenv cannot reach it.`, {
        hint: `It runs on the manager's node devenv talks to; \`docker service ps ${name}\` shows where its task is.`,
      });
    const result = await manager.containers.exec(task.containerId, reloadCommand(CONFIG_FILE), {
      env: { [CADDYFILE_ENV]: caddyfile },
    });
    if (result.exitCode !== 0)
      throw new DevenvError('PROXY_FAILED', `The preview proxy ${name} refused its new configuration.`, {
        hint: `See its log (\`docker service logs ${name}\`); \`devenv gc --engine swarm\` removes it when no stack uses it.`,
        details: result.output.trim().split('\n').slice(-10),
      });
    return wasReloaded(result.output);
  }

  /** Until the proxy's task (one made after `since`) runs; its error when the swarm rejects it. */
  private async untilRunning(id: string, name: string, port: number, since: string): Promise<SwarmTask> {
    const deadline = Date.now() + TASK_WAIT_MS;
    let last: SwarmTask | undefined;
    while (Date.now() < deadline) {
      const tasks = currentTasks(
        (await this.cluster.swarm.listTasks([id])).filter((task) => task.createdAt >= since),
      );
      last = tasks[0];
      if (last?.state === 'running' && last.containerId !== undefined) return last;
      if (last !== undefined && ['failed', 'rejected'].includes(last.state)) break;
      await new Promise((resolve) => setTimeout(resolve, TASK_POLL_MS));
    }
    const why = last === undefined ? 'no task was scheduled' : `${last.state}: ${last.error ?? last.message}`;
    throw new DevenvError('PROXY_FAILED', `The preview proxy service ${name} did not start (${why}).`, {
      hint: `Free port ${port} on the manager's node or choose another with DEVENV_PROXY_PORT=PORT, and make sure the manager's engine has the proxy image (DEVENV_PROXY_IMAGE, default caddy:2); \`docker service ps ${name}\` shows its tasks.`,
    });
  }
}
