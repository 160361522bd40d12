/**
 * `devenv up`: resolve the template, observe the stack, plan, execute the
 * plan with independent services in parallel and dependents gated on their
 * depends_on conditions, then wait until every service is ready.
 */
import type { ContainerEngine, ContainerStatus, EngineInfo, PublishedPort } from '../contracts/engine.js';
import type { ComposeProject } from '../core/compose/model.js';
import { DevenvError } from '../core/errors.js';
import { planContainer, networkEngineName, type ContainerPlan } from '../core/plan/container-request.js';
import { DEFAULT_PORT_POLICY, type PortPolicy } from '../core/plan/port-plan.js';
import { readinessCheck, describeReadiness, type ReadinessCheck } from '../core/plan/readiness.js';
import { reconcile, planText, type PlanStep } from '../core/plan/reconcile.js';
import { postgresCacheCandidate, type PostgresCacheCandidate } from '../core/plan/postgres-data-cache.js';
import { seedPostgresData } from './postgres-data-cache.js';
import { configHash } from '../core/stack/config-hash.js';
import { Labels, stackLabels, type StackLifetime } from '../core/stack/labels.js';
import type { AppContext } from './context.js';
import { prepareImages } from './images.js';
import { observeStack } from './observe.js';
import { waitUntilReady } from './readiness.js';
import { resolveStackTarget, type StackOptions, type StackTarget } from './stack-target.js';
import { stackHostEnv } from './stack-env.js';

export interface UpOptions extends StackOptions {
  fixedPorts?: boolean;
  hostIp?: string;
  ephemeral?: boolean;
  ttlSeconds?: number;
  /** The process whose end removes an ephemeral stack (defaults to this one). */
  ownerPid?: number;
  /** Per-service readiness timeout. */
  timeoutMs?: number;
  forceBuild?: boolean;
  /** Start new Postgres volumes from a cached initialized data directory (default true). */
  dataCache?: boolean;
  /** Told the stack identity as soon as it is known (before anything is created). */
  onResolved?: (identity: StackTarget['identity'], target: StackTarget) => void;
  /** Started container ids are reported here as soon as they exist (for log following). */
  onContainerStarted?: (service: string, containerId: string) => void;
}

export interface ServiceRuntime {
  service: string;
  containerId: string;
  ports: PublishedPort[];
  /** The image reference the container runs (built images: devenv's tag). */
  image: string;
  /** Whether the image is built from the template's `build:` section. */
  built: boolean;
  /** How readiness is decided, to wait again after a restart. */
  check: ReadinessCheck;
}

export interface UpResult {
  target: StackTarget;
  info: EngineInfo;
  services: ServiceRuntime[];
  env: Record<string, string>;
  durationMs: number;
}

interface ServicePlan {
  name: string;
  plan: ContainerPlan;
  check: ReadinessCheck;
  imageId: string;
  /** Set when this service's Postgres data may start from the data directory cache. */
  dataCache?: PostgresCacheCandidate;
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

/** Built images carry the stack's identity labels (not the volatile ones, so rebuilds stay cached). */
function imageLabels(labels: Record<string, string>): Record<string, string> {
  const keep = [Labels.stack, Labels.project, Labels.branch, Labels.owner, Labels.ephemeral];
  return Object.fromEntries(Object.entries(labels).filter(([key]) => (keep as string[]).includes(key)));
}

function completionWanted(project: ComposeProject, service: string): boolean {
  return Object.values(project.services).some(
    (other) => other.dependsOn[service]?.condition === 'service_completed_successfully',
  );
}

export async function up(ctx: AppContext, options: UpOptions): Promise<UpResult> {
  const started = ctx.clock.now();
  const target = await resolveStackTarget(ctx, options);
  const { project, identity } = target;
  options.onResolved?.(identity, target);
  const { engine, info } = await ctx.engine();
  const serviceNames = Object.keys(project.services).sort();
  ctx.emit({
    type: 'stack.resolved',
    stack: identity.name,
    project: identity.project,
    branch: identity.branch,
    owner: identity.owner,
    services: serviceNames,
    endpoint: info.endpoint,
  });
  for (const warning of target.warnings) ctx.emit({ type: 'warning', warning });

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
  });
  const portPolicy: PortPolicy = {
    hostIp: options.hostIp ?? DEFAULT_PORT_POLICY.hostIp,
    fixedPorts: options.fixedPorts ?? false,
  };

  const images = await prepareImages(ctx, engine, identity.name, project, serviceNames, {
    forceBuild: options.forceBuild ?? false,
    labels: imageLabels(labels),
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
    plan.request.labels[Labels.configHash] = configHash(plan.request, image.info.id);
    for (const note of plan.notes) ctx.emit({ type: 'info', message: note });
    const check: ReadinessCheck = completionWanted(project, name)
      ? { kind: 'completed' }
      : readinessCheck(plan.request, image.info, service.image ?? image.ref);
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
  const observed = await observeStack(engine, identity.name);
  const steps = reconcile(
    {
      services: [...plans.values()].map((p) => ({
        name: p.name,
        configHash: p.plan.request.labels[Labels.configHash] ?? '',
      })),
      networks: networks.map((n) => n.name),
      volumes: volumes.map((v) => v.name),
    },
    observed,
  );
  ctx.emit({ type: 'plan', steps: planText(steps) });
  if (options.dataCache !== false) {
    const newVolumes = new Set(
      steps.flatMap((step) => (step.action === 'CreateVolume' ? [step.volume] : [])),
    );
    for (const servicePlan of plans.values()) {
      const templateImage = project.services[servicePlan.name]?.image ?? servicePlan.plan.request.image;
      const candidate = postgresCacheCandidate(servicePlan.plan.request, templateImage, newVolumes);
      if (candidate) servicePlan.dataCache = candidate;
    }
  }

  // Networks and volumes first, in parallel; each carries the stack's labels from its creation.
  await Promise.all([
    ...steps.flatMap((step) => {
      if (step.action !== 'CreateNetwork') return [];
      const spec = networks.find((n) => n.name === step.network);
      return [
        engine
          .createNetwork(
            step.network,
            { ...labels, [Labels.network]: step.network },
            { internal: spec?.internal ?? false, ...(spec?.driver ? { driver: spec.driver } : {}) },
          )
          .then(() => ctx.emit({ type: 'network.created', network: step.network })),
      ];
    }),
    ...steps.flatMap((step) => {
      if (step.action !== 'CreateVolume') return [];
      const spec = volumes.find((v) => v.name === step.volume);
      return [
        engine
          .createVolume(step.volume, spec?.labels ?? labels)
          .then(() => ctx.emit({ type: 'volume.created', volume: step.volume })),
      ];
    }),
    ...steps.flatMap((step) =>
      step.action === 'RemoveContainer'
        ? [
            removeByName(engine, observed.containers, step.container).then(() =>
              ctx.emit({ type: 'container.removed', service: step.service, container: step.container }),
            ),
          ]
        : [],
    ),
  ]);

  const runtimes = await runServices(ctx, engine, info, project, plans, steps, observed.containers, options);

  await Promise.all(
    steps.flatMap((step) =>
      step.action === 'RemoveNetwork'
        ? [
            engine
              .removeNetwork(step.network)
              .then(() => ctx.emit({ type: 'network.removed', network: step.network })),
          ]
        : [],
    ),
  );
  const env = stackHostEnv(target, info, runtimes);
  const durationMs = ctx.clock.now() - started;
  ctx.emit({ type: 'stack.ready', stack: identity.name, durationMs, env });
  return { target, info, services: runtimes, env, durationMs };
}

async function removeByName(
  engine: ContainerEngine,
  containers: ContainerStatus[],
  name: string,
): Promise<void> {
  const container = containers.find((c) => c.name === name);
  if (container) await engine.removeContainer(container.id, { force: true, volumes: false });
}

/** A service not started because one it depends on failed: a consequence, never the root cause. */
class DependencyFailedError extends DevenvError {
  constructor(service: string, dependency: string, cause: unknown) {
    super('SERVICE_FAILED', `Service "${service}" was not started because "${dependency}" failed.`, {
      cause,
    });
  }
}

interface Gate {
  started: Promise<void>;
  ready: Promise<void>;
}

async function runServices(
  ctx: AppContext,
  engine: ContainerEngine,
  info: EngineInfo,
  project: ComposeProject,
  plans: Map<string, ServicePlan>,
  steps: PlanStep[],
  observed: ContainerStatus[],
  options: UpOptions,
): Promise<ServiceRuntime[]> {
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
  const gates = new Map<string, Gate>();
  const resolvers = new Map<string, { started: () => void; ready: () => void; fail: (e: unknown) => void }>();
  for (const name of plans.keys()) {
    let started!: () => void;
    let ready!: () => void;
    let failStarted!: (e: unknown) => void;
    let failReady!: (e: unknown) => void;
    const gate: Gate = {
      started: new Promise<void>((resolve, reject) => ((started = resolve), (failStarted = reject))),
      ready: new Promise<void>((resolve, reject) => ((ready = resolve), (failReady = reject))),
    };
    gate.started.catch(() => undefined);
    gate.ready.catch(() => undefined);
    gates.set(name, gate);
    resolvers.set(name, { started, ready, fail: (e) => (failStarted(e), failReady(e)) });
  }

  const runOne = async (name: string): Promise<ServiceRuntime> => {
    const servicePlan = plans.get(name)!;
    const resolver = resolvers.get(name)!;
    try {
      const service = project.services[name]!;
      await Promise.all(
        Object.entries(service.dependsOn).map(async ([dep, spec]) => {
          const gate = gates.get(dep);
          if (!gate) return;
          try {
            await (spec.condition === 'service_started' ? gate.started : gate.ready);
          } catch (error) {
            if (spec.required) throw new DependencyFailedError(name, dep, error);
          }
        }),
      );
      if (abort.signal.aborted) throw new DevenvError('INTERRUPTED', 'Interrupted.');
      const step = steps.find((s) => 'service' in s && s.service === name && s.action !== 'RemoveContainer');
      const existing =
        step && 'container' in step ? observed.find((c) => c.name === step.container) : undefined;
      let containerId: string;
      const request = servicePlan.plan.request;
      if (step?.action === 'KeepService' && existing) {
        containerId = existing.id;
        ctx.emit({ type: 'container.kept', service: name, container: existing.name });
      } else if (step?.action === 'StartService' && existing) {
        containerId = existing.id;
        await engine.startContainer(containerId);
        ctx.emit({ type: 'container.started', service: name, container: existing.name });
      } else {
        if (existing) {
          await engine.removeContainer(existing.id, { force: true, volumes: false });
          ctx.emit({ type: 'container.removed', service: name, container: existing.name });
        }
        containerId = await engine.createContainer(request);
        ctx.emit({ type: 'container.created', service: name, container: request.name });
        if (servicePlan.dataCache) {
          const outcome = await seedPostgresData(ctx, {
            engine,
            info,
            service: name,
            request,
            imageId: servicePlan.imageId,
            candidate: servicePlan.dataCache,
            containerId,
            timeoutMs: options.timeoutMs ?? 120_000,
          });
          if (outcome !== 'skipped') {
            ctx.emit({
              type: 'info',
              message: `${name}: data directory ${outcome === 'built' ? 'initialized once and cached' : 'restored from cache'} (same image, settings and init scripts)`,
            });
          }
        }
        await engine.startContainer(containerId);
        ctx.emit({ type: 'container.started', service: name, container: request.name });
      }
      options.onContainerStarted?.(name, containerId);
      resolver.started();
      const readyAt = ctx.clock.now();
      const status = await waitUntilReady(ctx, {
        engine,
        info,
        service: name,
        containerId,
        check: servicePlan.check,
        timeoutMs: options.timeoutMs ?? 120_000,
        signal: abort.signal,
      });
      ctx.emit({
        type: 'service.ready',
        service: name,
        durationMs: ctx.clock.now() - readyAt,
        ports: status.ports,
        probe: describeReadiness(servicePlan.check),
      });
      resolver.ready();
      return {
        service: name,
        containerId,
        ports: status.ports,
        image: request.image,
        built: project.services[name]?.build !== undefined,
        check: servicePlan.check,
      };
    } catch (error) {
      resolver.fail(error);
      abort.abort();
      throw error;
    }
  };

  try {
    const results = await Promise.allSettled([...plans.keys()].map(runOne));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    // Report the root cause: a service's own failure over "not started because ..." and interruptions.
    // The root cause: a service's own failure (its port taken, its healthcheck), not "x was not
    // started because y failed" and not the interruptions that followed it.
    const consequential = (e: unknown) =>
      e instanceof DependencyFailedError || (e instanceof DevenvError && e.code === 'INTERRUPTED');
    const root = failures.find((e) => !consequential(e)) ?? failures[0];
    if (ctx.signal.aborted)
      throw new DevenvError('INTERRUPTED', 'Interrupted; what was created carries the stack labels.', {
        hint: 'Run `devenv down` to remove it.',
      });
    if (root !== undefined) throw root;
    return results.map((r) => (r as PromiseFulfilledResult<ServiceRuntime>).value);
  } finally {
    ctx.signal.removeEventListener('abort', onOuterAbort);
  }
}
