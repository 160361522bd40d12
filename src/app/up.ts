/**
 * `devenv up`: resolve the template, observe the stack, plan, execute the
 * plan with independent services in parallel and dependents gated on their
 * depends_on conditions, then wait until every service is ready.
 */
import type { ContainerEngine, EngineInfo } from '../contracts/engine.js';
import type { ComposeProject } from '../core/compose/model.js';
import { namespaceProviders, planContainer, networkEngineName } from '../core/plan/container-request.js';
import {
  defaultHostIp,
  hostPortsArePinnable,
  isWildcardHostIp,
  type PortPolicy,
} from '../core/plan/port-plan.js';
import { DevenvError } from '../core/errors.js';
import { describeReadiness, readinessCheck, type ReadinessCheck } from '../core/plan/readiness.js';
import { reconcile, planText } from '../core/plan/reconcile.js';
import { planGraph } from '../core/plan/plan-graph.js';
import type { StackSpec } from '../contracts/stack-backend.js';
import { postgresCacheCandidate } from '../core/plan/postgres-data-cache.js';
import { configHash } from '../core/stack/config-hash.js';
import { engineLabels, Labels, stackLabels, type StackLifetime } from '../core/stack/labels.js';
import type { AppContext } from './context.js';
import { prepareImages } from './images.js';
import { refuseProtectedOnLocalEngine } from './protected-environment.js';
import { resolveStackTarget, type StackOptions, type StackTarget } from './stack-target.js';
import { requireServices } from '../core/compose/require-services.js';
import { stackHostEnv } from './stack-host-env.js';
import type { ServicePlan, ServiceRuntime } from './service-runtime.js';
import { pinHostPorts } from './host-port-pinning.js';
import { startPostgresSeed, type PostgresSeed } from './postgres-data-cache.js';
import { waitUntilReady } from './readiness.js';
import { withStackLock } from './stack-lock.js';
import { namingStaleStacks } from './address-pools.js';
import { proxyPort, syncProxy } from './proxy.js';
import { httpRoutePort } from '../core/proxy/routes.js';
import { worktreeBinds } from '../core/preview/preview.js';
import { isLocalEngineEndpoint } from '../core/config/engine-address.js';

export interface UpOptions extends StackOptions {
  fixedPorts?: boolean;
  hostIp?: string;
  ephemeral?: boolean;
  ttlSeconds?: number;
  /** The process whose end removes an ephemeral stack (defaults to this one). */
  ownerPid?: number;
  /** Per-service readiness timeout. */
  timeoutMs?: number;
  /** Rebuild every `build:` service's image even when it exists (`--build`). */
  forceBuild?: boolean;
  /** Rebuild only these services' images (the dashboard's b, develop.watch rebuild). */
  rebuild?: readonly string[];
  /** Start new Postgres volumes from a cached initialized data directory (default true). */
  dataCache?: boolean;
  /** Route the stack's HTTP services through the preview proxy (app/proxy.ts): stable URLs. */
  proxy?: boolean;
  /** A preview of a branch of this repository (`devenv preview up`): labelled as such. */
  preview?: { repository: string };
}

/** Told as `up` goes; kept apart from the options, which later `up` calls of a session reuse. */
export interface UpHooks {
  /** Told the stack identity as soon as it is known (before anything is created). */
  onResolved?: (identity: StackTarget['identity'], target: StackTarget) => void;
}

export type { ServiceRuntime } from './service-runtime.js';

export interface UpResult {
  target: StackTarget;
  info: EngineInfo;
  services: ServiceRuntime[];
  env: Record<string, string>;
  durationMs: number;
  /** The services' URLs through the proxy (routed stacks only). */
  urls: { service: string; url: string }[];
  /** Where the proxy is reached (host:port), for routed stacks: a remote engine's address. */
  proxyAddress?: string;
}

function wantedNetworks(
  project: ComposeProject,
  stack: string,
): { name: string; internal: boolean; driver?: string }[] {
  const names = new Set<string>();
  for (const service of Object.values(project.services))
    for (const network of Object.keys(service.networks)) names.add(network);
  return [...names]
    .filter((network) => !project.networks[network]?.external)
    .map((network) => {
      const spec = project.networks[network];
      return {
        name: networkEngineName(project, stack, network),
        internal: spec?.internal ?? false,
        ...(spec?.driver !== undefined ? { driver: spec.driver } : {}),
      };
    });
}

/**
 * Built images carry the stack label alone. The classic builder (dockerd 20.10) applies build
 * labels as one LABEL step per label after the Dockerfile's last step, so with several labels a
 * build killed between those steps left an image with `dev.devenv.branch` and no stack label,
 * which neither `down` nor `gc` could attribute. One label is one step: an image devenv builds
 * has the stack label or, like the layers before it, is named by the build's record (app/images.ts).
 */
function imageLabels(labels: Record<string, string>): Record<string, string> {
  const stack = labels[Labels.stack];
  return stack === undefined ? {} : { [Labels.stack]: stack };
}

function completionWanted(project: ComposeProject, service: string): boolean {
  return Object.values(project.services).some(
    (other) => other.dependsOn[service]?.condition === 'service_completed_successfully',
  );
}

export async function up(ctx: AppContext, options: UpOptions, hooks: UpHooks = {}): Promise<UpResult> {
  const started = ctx.clock.now();
  const target = await resolveStackTarget(ctx, options);
  const { project, identity } = target;
  requireServices(project);
  hooks.onResolved?.(identity, target);
  const connecting = ctx.clock.now();
  const { engine, info } = await ctx.engine();
  const connectedMs = ctx.clock.now() - connecting;
  refuseProtectedOnLocalEngine(target.environment, info.endpoint);
  if (options.preview !== undefined && !isLocalEngineEndpoint(info.endpoint))
    refuseWorktreeBinds(project, info.endpoint);
  // 127.0.0.1 on a local engine; a remote engine's own address (where this machine reaches it).
  const byDefault = defaultHostIp(info.publishedHost);
  const portPolicy: PortPolicy = {
    hostIp: options.hostIp ?? byDefault.hostIp,
    fixedPorts: options.fixedPorts ?? false,
  };
  // Checked before anything is touched: a stack is never half-changed by a bad address.
  await checkHostIp(ctx, info, portPolicy.hostIp);
  const serviceNames = Object.keys(project.services).sort();
  ctx.emit({
    type: 'stack.resolved',
    stack: identity.name,
    project: identity.project,
    branch: identity.branch,
    owner: identity.owner,
    environment: identity.environment,
    services: serviceNames,
    endpoint: info.endpoint,
  });
  ctx.emit({
    type: 'engine.connected',
    endpoint: info.endpoint,
    version: info.serverVersion,
    durationMs: connectedMs,
  });
  for (const warning of target.warnings) ctx.emit({ type: 'warning', warning });
  const notice = options.hostIp === undefined ? byDefault.notice : undefined;
  if (notice?.level === 'info') ctx.emit({ type: 'info', message: notice.message });
  if (notice?.level === 'warning') ctx.emit({ type: 'warning', warning: { message: notice.message } });
  // Observe, build and change under the stack's lock: a second `up` of the same stack waits for this one.
  const port = options.proxy === true ? proxyPort(ctx.env) : undefined;
  const result = await withStackLock(ctx, identity.name, () =>
    changeStack(ctx, options, target, engine, info, portPolicy, started, port),
  ).catch(async (error: unknown) => {
    // No network left for it: say which stale stacks `devenv gc` would free.
    throw await namingStaleStacks(ctx, error);
  });
  if (port === undefined) return result;
  // After the stack's lock: the proxy has its own (app/proxy.ts).
  const proxied = await syncProxy(ctx, port);
  const urls = proxied.routes
    .filter((route) => route.stack === identity.name)
    .map((route) => ({ service: route.service, url: route.url }));
  ctx.emit({ type: 'stack.urls', stack: identity.name, urls });
  return { ...result, urls, proxyAddress: proxied.address };
}

/** Builds images, reconciles and waits until ready; the caller holds the stack's lock. */
async function changeStack(
  ctx: AppContext,
  options: UpOptions,
  target: StackTarget,
  engine: ContainerEngine,
  info: EngineInfo,
  portPolicy: PortPolicy,
  started: number,
  proxyPort: number | undefined,
): Promise<UpResult> {
  const { project, identity } = target;
  const serviceNames = Object.keys(project.services).sort();
  const lifetime: StackLifetime = options.ephemeral
    ? {
        ephemeral: true,
        ownerPid: options.ownerPid ?? ctx.host.pid,
        ownerHost: ctx.host.hostname,
        ...(options.ttlSeconds !== undefined ? { ttlSeconds: options.ttlSeconds } : {}),
      }
    : { ephemeral: false };
  const labels = stackLabels({
    identity,
    createdAt: new Date(ctx.clock.now()),
    workingDir: project.workingDir,
    composeFiles: project.files,
    lifetime,
    version: ctx.version,
    ...(proxyPort !== undefined ? { proxyPort } : {}),
    ...(options.preview !== undefined ? { preview: options.preview } : {}),
  });

  // Observed while images are prepared (we hold the stack's lock: nobody else changes it meanwhile).
  const backend = await ctx.backend();
  const observing = backend.observe(identity.name);
  observing.catch(() => undefined);
  const images = await prepareImages(ctx, engine, identity.name, project, serviceNames, {
    forceBuild: (service) => options.forceBuild === true || (options.rebuild ?? []).includes(service),
    labels: imageLabels(labels.selectors),
    // A preview's worktree moves to new commits: its images go by their inputs (app/images.ts).
    byInputs: options.preview !== undefined,
  });
  const plans = new Map<string, ServicePlan>();
  for (const name of serviceNames) {
    const service = project.services[name]!;
    const image = images.get(name)!;
    const plan = planContainer({
      stack: identity.name,
      project,
      service,
      image: image.ref,
      imageVolumes: image.info.volumes,
      stackLabels: labels,
      ports: portPolicy,
    });
    const check: ReadinessCheck = completionWanted(project, name)
      ? { kind: 'completed' }
      : readinessCheck(plan.request, image.info, service.image ?? image.ref);
    const httpPort = proxyPort === undefined ? undefined : httpRoutePort(plan.request.ports, check);
    if (httpPort !== undefined) plan.request.labels[Labels.httpPort] = String(httpPort);
    plan.request.labels[Labels.configHash] = configHash(plan.request, image.info.id);
    for (const note of plan.notes) ctx.emit({ type: 'info', message: note });
    plans.set(name, { name, plan, check, imageId: image.info.id });
  }

  const networks = wantedNetworks(project, identity.name);
  const volumes = [
    ...new Map(
      [...plans.values()]
        .flatMap((p) => p.plan.volumes)
        .filter((v) => !v.external)
        .map((v) => [v.name, v]),
    ).values(),
  ];
  const observed = await observing;
  const steps = reconcile(
    {
      services: [...plans.values()].map((p) => ({
        name: p.name,
        configHash: p.plan.request.labels[Labels.configHash] ?? '',
        runsToCompletion: p.check.kind === 'completed',
        joins: namespaceProviders(project.services[p.name]!),
      })),
      networks: networks.map((n) => n.name),
      volumes: volumes.map((v) => v.name),
    },
    observed,
  );
  ctx.emit({ type: 'plan', steps: planText(steps) });
  const graph = planGraph(
    steps,
    Object.fromEntries(
      serviceNames.map((name) => {
        const service = project.services[name]!;
        return [name, { dependsOn: service.dependsOn, joins: namespaceProviders(service) }];
      }),
    ),
  );
  if (options.dataCache !== false) {
    const newVolumes = new Set(
      steps.flatMap((step) => (step.action === 'CreateVolume' ? [step.volume] : [])),
    );
    for (const servicePlan of plans.values()) {
      const templateImage = project.services[servicePlan.name]?.image ?? servicePlan.plan.request.image;
      const candidate = postgresCacheCandidate(
        servicePlan.plan.request,
        templateImage,
        newVolumes,
        images.get(servicePlan.name)?.info.env,
      );
      if (candidate) servicePlan.dataCache = candidate;
    }
  }

  const timeoutMs = options.timeoutMs ?? 120_000;
  const spec: StackSpec = {
    stack: identity.name,
    services: new Map([...plans.values()].map((p) => [p.name, p.plan.request])),
    networks: networks.map((network) => ({
      ...network,
      labels: engineLabels(labels, { annotations: { [Labels.network]: network.name } }),
    })),
    volumes: volumes.map((volume) => ({ name: volume.name, labels: volume.labels ?? engineLabels(labels) })),
  };
  // A Postgres whose data goes into a volume this up creates is seeded from the cache as soon as
  // that volume exists, while the network and the containers are still being created.
  const seeds = new Map<string, PostgresSeed>();
  const seedFor = (service: string): PostgresSeed | undefined => {
    const servicePlan = plans.get(service);
    if (!servicePlan?.dataCache) return undefined;
    let seed = seeds.get(service);
    if (seed === undefined) {
      seed = startPostgresSeed(ctx, {
        engine,
        info,
        service,
        request: servicePlan.plan.request,
        imageId: servicePlan.imageId,
        candidate: servicePlan.dataCache,
        hostIp: portPolicy.hostIp,
        timeoutMs,
      });
      seeds.set(service, seed);
    }
    return seed;
  };
  const seedsOnVolume = new Map(
    [...plans.values()].flatMap((p) =>
      p.dataCache?.placement === 'volume' ? [[p.dataCache.mount.source, p.name] as const] : [],
    ),
  );
  const applied = await backend
    .apply(spec, graph, observed, {
      signal: ctx.signal,
      onChange: (change) => {
        ctx.emit(change);
        const seeded = change.type === 'volume.created' ? seedsOnVolume.get(change.volume) : undefined;
        if (seeded !== undefined) seedFor(seeded);
      },
      ...(hostPortsArePinnable(info.publishedHost)
        ? { choosePorts: (request, previous, avoid) => pinHostPorts(request, previous, ctx.hostPorts, avoid) }
        : {}),
      // Reported by a typed data.cache event (restored, built, or skipped and why).
      beforeFirstStart: async (instance) => {
        await seedFor(instance.service)?.finish(instance.id);
      },
      waitReady: async (instance, signal) => {
        const { check } = plans.get(instance.service)!;
        const readyAt = ctx.clock.now();
        const status = await waitUntilReady(ctx, {
          backend,
          info,
          service: instance.service,
          containerId: instance.id,
          check,
          timeoutMs,
          signal,
        });
        ctx.emit({
          type: 'service.ready',
          service: instance.service,
          durationMs: ctx.clock.now() - readyAt,
          ports: status.ports,
          probe: describeReadiness(check),
        });
        return status.ports;
      },
    })
    // A seed started early is never left running behind a failed up (its helper would outlive it).
    .finally(() => Promise.all([...seeds.values()].map((seed) => seed.settled)));
  const runtimes: ServiceRuntime[] = applied.map((service) => {
    const servicePlan = plans.get(service.service)!;
    return {
      service: service.service,
      containerId: service.instanceId,
      ports: service.ports,
      image: servicePlan.plan.request.image,
      built: project.services[service.service]?.build !== undefined,
      check: servicePlan.check,
    };
  });

  const env = stackHostEnv(target, info, runtimes);
  const durationMs = ctx.clock.now() - started;
  ctx.emit({ type: 'stack.ready', stack: identity.name, durationMs, env });
  return { target, info, services: runtimes, env, durationMs, urls: [] };
}

/** A preview's files are on this machine: a remote engine would bind-mount its own paths instead. */
function refuseWorktreeBinds(project: ComposeProject, endpoint: string): void {
  const binds = worktreeBinds(project.services, project.workingDir);
  if (binds.length === 0) return;
  throw new DevenvError(
    'REMOTE_BIND_MOUNT',
    `The engine ${endpoint} is remote, and the preview bind-mounts files of its worktree: ${binds
      .map((bind) => `${bind.service} mounts ${bind.source} at ${bind.target}`)
      .join('; ')}. Those files are on this machine, not on the engine's.`,
    {
      hint: "Copy them into the image (COPY in the service's Dockerfile: the build context is sent to the engine) and sync changes with develop.watch, or preview on a local engine. Nothing was created.",
    },
  );
}

/** With a local engine, ports are published on this machine: the address must be one of its own. */
async function checkHostIp(ctx: AppContext, info: EngineInfo, hostIp: string): Promise<void> {
  if (!hostPortsArePinnable(info.publishedHost) || isWildcardHostIp(hostIp)) return;
  if (await ctx.hostPorts.isLocalAddress(hostIp)) return;
  throw new DevenvError('USAGE', `The host IP ${hostIp} is not an address of this machine.`, {
    hint: "Publish on 127.0.0.1 (the default), ::1, 0.0.0.0 (every interface) or one of this machine's addresses (`ip -brief address`). Nothing was changed.",
  });
}
