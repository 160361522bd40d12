/**
 * `devenv up`: resolve the template, observe the stack, plan, execute the
 * plan with independent services in parallel and dependents gated on their
 * depends_on conditions, then wait until every service is ready.
 */
import type { ContainerEngine, ContainerStatus, EngineInfo } from '../contracts/engine.js';
import type { ComposeProject } from '../core/compose/model.js';
import { namespaceProviders, planContainer, networkEngineName } from '../core/plan/container-request.js';
import {
  DEFAULT_PORT_POLICY,
  hostPortsArePinnable,
  isWildcardHostIp,
  type PortPolicy,
} from '../core/plan/port-plan.js';
import { DevenvError } from '../core/errors.js';
import { readinessCheck, type ReadinessCheck } from '../core/plan/readiness.js';
import { reconcile, planText, type PlanStep } from '../core/plan/reconcile.js';
import { postgresCacheCandidate } from '../core/plan/postgres-data-cache.js';
import { configHash } from '../core/stack/config-hash.js';
import { Labels, stackLabels, type StackLifetime } from '../core/stack/labels.js';
import type { AppContext } from './context.js';
import { prepareImages } from './images.js';
import { observeStack } from './observe.js';
import { resolveStackTarget, type StackOptions, type StackTarget } from './stack-target.js';
import { requireServices } from '../core/compose/require-services.js';
import { stackHostEnv } from './stack-host-env.js';
import { runServices, type ServicePlan, type ServiceRuntime } from './run-services.js';
import { withStackLock } from './stack-lock.js';

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
}

/** Told as `up` goes; kept apart from the options, which later `up` calls of a session reuse. */
export interface UpHooks {
  /** Told the stack identity as soon as it is known (before anything is created). */
  onResolved?: (identity: StackTarget['identity'], target: StackTarget) => void;
}

export type { ServiceRuntime } from './run-services.js';

export interface UpResult {
  target: StackTarget;
  info: EngineInfo;
  services: ServiceRuntime[];
  env: Record<string, string>;
  durationMs: number;
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
  const { engine, info } = await ctx.engine();
  const portPolicy: PortPolicy = {
    hostIp: options.hostIp ?? DEFAULT_PORT_POLICY.hostIp,
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
    services: serviceNames,
    endpoint: info.endpoint,
  });
  for (const warning of target.warnings) ctx.emit({ type: 'warning', warning });
  // Observe, build and change under the stack's lock: a second `up` of the same stack waits for this one.
  return withStackLock(ctx, identity.name, () =>
    changeStack(ctx, options, target, engine, info, portPolicy, started),
  );
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
  });

  const images = await prepareImages(ctx, engine, identity.name, project, serviceNames, {
    forceBuild: (service) => options.forceBuild === true || (options.rebuild ?? []).includes(service),
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
        runsToCompletion: p.check.kind === 'completed',
        joins: namespaceProviders(project.services[p.name]!),
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
      const candidate = postgresCacheCandidate(
        servicePlan.plan.request,
        templateImage,
        newVolumes,
        images.get(servicePlan.name)?.info.env,
      );
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

  // Duplicate networks (same name, left by two processes at once) go before any container is
  // created by that name; their containers were removed above. By id: the name is ambiguous.
  await removeNetworks(ctx, engine, steps, true);

  const runtimes = await runServices(ctx, engine, info, project, plans, steps, observed.containers, options);

  await removeNetworks(ctx, engine, steps, false);
  const env = stackHostEnv(target, info, runtimes);
  const durationMs = ctx.clock.now() - started;
  ctx.emit({ type: 'stack.ready', stack: identity.name, durationMs, env });
  return { target, info, services: runtimes, env, durationMs };
}

/** With a local engine, ports are published on this machine: the address must be one of its own. */
async function checkHostIp(ctx: AppContext, info: EngineInfo, hostIp: string): Promise<void> {
  if (!hostPortsArePinnable(info.publishedHost) || isWildcardHostIp(hostIp)) return;
  if (await ctx.hostPorts.isLocalAddress(hostIp)) return;
  throw new DevenvError('USAGE', `The host IP ${hostIp} is not an address of this machine.`, {
    hint: "Publish on 127.0.0.1 (the default), ::1, 0.0.0.0 (every interface) or one of this machine's addresses (`ip -brief address`). Nothing was changed.",
  });
}

async function removeByName(
  engine: ContainerEngine,
  containers: ContainerStatus[],
  name: string,
): Promise<void> {
  const container = containers.find((c) => c.name === name);
  if (container) await engine.removeContainer(container.id, { force: true, volumes: false });
}

async function removeNetworks(
  ctx: AppContext,
  engine: ContainerEngine,
  steps: PlanStep[],
  duplicates: boolean,
): Promise<void> {
  await Promise.all(
    steps.flatMap((step) =>
      step.action === 'RemoveNetwork' && (step.duplicate === true) === duplicates
        ? [
            engine
              .removeNetwork(step.id)
              .then(() => ctx.emit({ type: 'network.removed', network: step.network })),
          ]
        : [],
    ),
  );
}
