/**
 * The preview proxy on a swarm (contracts/backend-proxy.ts): one Caddy service per port
 * (`devenv-proxy-<port>`, labelled `dev.devenv.proxy-server=<port>` as the container proxy
 * is), on the manager's node devenv talks to, publishing the port in host mode there (every
 * address of that node), attached to the routed stacks' overlay networks. It reaches each
 * routed service by its service name on those networks (dnsrr: the name resolves to the
 * tasks' addresses wherever they run), so a route keeps working when a task moves to
 * another node. Its Caddyfile is in its spec (an environment variable its command writes
 * out before `caddy run`): a change of routes or networks is a `service update`, which
 * replaces its task (stop-first: the port is held by one task at a time), a second or two
 * without the proxy. A spec hash label keeps an unchanged proxy as it is.
 */
import { createHash } from 'node:crypto';
import type { ContainerStatus, ResourceSummary } from '../../contracts/engine.js';
import type { BackendProxy, ProxyApplied, ProxyWanted } from '../../contracts/backend-proxy.js';
import type { SwarmServiceSpec, SwarmTask } from '../../contracts/swarm-engine.js';
import { DevenvError } from '../../core/errors.js';
import { PROXY_CONFIG_PATH, PROXY_CONTAINER_PORT, proxyContainerName } from '../../core/proxy/routes.js';
import { Labels } from '../../core/stack/labels.js';
import { currentTasks, serviceStatus } from './service-status.js';
import { nodeView, type SwarmCluster } from './swarm-nodes.js';

const TASK_POLL_MS = 250;
const TASK_WAIT_MS = 60_000;

function specHash(wanted: ProxyWanted): string {
  return createHash('sha256')
    .update(JSON.stringify([wanted.image, wanted.caddyfile, [...wanted.networks].sort()]))
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
    const services = await this.cluster.swarm.listServices({ [Labels.proxyServer]: true });
    return services.flatMap((service) => {
      const port = Number(service.labels[Labels.proxyServer]);
      return Number.isInteger(port) ? [{ port, name: service.name }] : [];
    });
  }

  async address(port: number): Promise<string> {
    // On the manager's own node (see apply): reached where that node's published ports are.
    return `${this.cluster.managerPublishedHost}:${port}`;
  }

  async apply(wanted: ProxyWanted): Promise<ProxyApplied> {
    const { swarm } = this.cluster;
    const name = proxyContainerName(wanted.port);
    const hash = specHash(wanted);
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
      command: [
        'sh',
        '-c',
        `printf '%s' "$DEVENV_CADDYFILE" > ${PROXY_CONFIG_PATH} && exec caddy run --config ${PROXY_CONFIG_PATH} --adapter caddyfile`,
      ],
      env: { DEVENV_CADDYFILE: wanted.caddyfile },
      init: false,
      tty: false,
      openStdin: false,
      stopGracePeriodSeconds: 2,
      mounts: [],
      files: [],
      extraHosts: [],
      networks: [...wanted.networks].sort().map((network) => ({ network, aliases: [] })),
      replicas: 1,
      // The node of the manager devenv talks to: its address is known, and for a manager on
      // this machine the URLs' *.localhost names reach it as they are.
      constraints: [`node.id==${state.nodeId}`],
      spreadOver: [],
      restart: { condition: 'any' },
      endpointMode: 'dnsrr',
      ports: [{ containerPort: PROXY_CONTAINER_PORT, protocol: 'tcp', publishedPort: wanted.port }],
    };
    const since = new Date(Date.now() - 1000).toISOString();
    const current = existing[0];
    if (current !== undefined && current.labels[Labels.configHash] === hash) {
      const tasks = currentTasks(await swarm.listTasks([current.id]));
      if (tasks.some((task) => task.state === 'running')) return { name, address, change: 'kept' };
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
    await this.untilRunning(id, name, wanted.port, since);
    return { name, address, change };
  }

  async remove(port: number): Promise<string | undefined> {
    const { swarm } = this.cluster;
    const services = await swarm.listServices({ [Labels.proxyServer]: String(port) });
    for (const service of services) await swarm.removeService(service.id);
    if (services.length === 0) return undefined;
    // Its task's container leaves the stacks' networks as it goes: wait, so they can be removed.
    const ids = services.map((service) => service.id);
    const deadline = Date.now() + TASK_WAIT_MS;
    while (Date.now() < deadline) {
      const left = (await swarm.listTasks([])).filter(
        (task) => ids.includes(task.serviceId) && task.containerId !== undefined && task.state !== 'shutdown',
      );
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, TASK_POLL_MS));
    }
    return services.map((service) => service.name).join(', ');
  }

  /** Until the proxy's task (one made after `since`) runs; its error when the swarm rejects it. */
  private async untilRunning(id: string, name: string, port: number, since: string): Promise<void> {
    const deadline = Date.now() + TASK_WAIT_MS;
    let last: SwarmTask | undefined;
    while (Date.now() < deadline) {
      const tasks = currentTasks(
        (await this.cluster.swarm.listTasks([id])).filter((task) => task.createdAt >= since),
      );
      last = tasks[0];
      if (last?.state === 'running') return;
      if (last !== undefined && ['failed', 'rejected'].includes(last.state)) break;
      await new Promise((resolve) => setTimeout(resolve, TASK_POLL_MS));
    }
    const why = last === undefined ? 'no task was scheduled' : `${last.state}: ${last.error ?? last.message}`;
    throw new DevenvError('PROXY_FAILED', `The preview proxy service ${name} did not start (${why}).`, {
      hint: `Free port ${port} on the manager's node or choose another with DEVENV_PROXY_PORT=PORT, and make sure the manager's engine has the proxy image (DEVENV_PROXY_IMAGE, default caddy:2); \`docker service ps ${name}\` shows its tasks.`,
    });
  }
}
