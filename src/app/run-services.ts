/**
 * The executor of `up`'s plan for services: every service starts as soon as
 * its depends_on conditions hold (service_started, service_healthy,
 * service_completed_successfully), independent ones in parallel; each is
 * created, recreated, started or kept as the plan says, then waited for until
 * ready. No decisions about *what* to do are made here: that is the plan's.
 */
import type { ContainerEngine, ContainerStatus, EngineInfo, PublishedPort } from '../contracts/engine.js';
import type { ComposeProject } from '../core/compose/model.js';
import { DevenvError, isDevenvError } from '../core/errors.js';
import { hostPortsArePinnable } from '../core/plan/port-plan.js';
import { pinHostPorts } from './host-port-pinning.js';
import type { ContainerPlan } from '../core/plan/container-request.js';
import type { PostgresCacheCandidate } from '../core/plan/postgres-data-cache.js';
import { describeReadiness, type ReadinessCheck } from '../core/plan/readiness.js';
import type { PlanStep } from '../core/plan/reconcile.js';
import type { AppContext } from './context.js';
import { seedPostgresData } from './postgres-data-cache.js';
import { waitUntilReady } from './readiness.js';

export interface ServicePlan {
  name: string;
  plan: ContainerPlan;
  check: ReadinessCheck;
  imageId: string;
  /** Set when this service's Postgres data may start from the data directory cache. */
  dataCache?: PostgresCacheCandidate;
}

export interface RunServicesOptions {
  /** Per-service readiness timeout. */
  timeoutMs?: number;
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

export async function runServices(
  ctx: AppContext,
  engine: ContainerEngine,
  info: EngineInfo,
  project: ComposeProject,
  plans: Map<string, ServicePlan>,
  steps: PlanStep[],
  observed: ContainerStatus[],
  options: RunServicesOptions,
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

  const pinnable = hostPortsArePinnable(info.publishedHost);
  /**
   * Creates and starts a service's container, with the host ports devenv chose
   * (local engines; its previous ports while free). A chosen port taken in
   * the moment before the engine bound it: chosen again, at most twice.
   */
  const createAndStart = async (
    name: string,
    servicePlan: ServicePlan,
    previousPorts: readonly PublishedPort[],
  ): Promise<string> => {
    const avoid = new Set<number>();
    for (let attempt = 1; ; attempt++) {
      const { request, chosen } = pinnable
        ? await pinHostPorts(servicePlan.plan.request, previousPorts, ctx.hostPorts, avoid)
        : { request: servicePlan.plan.request, chosen: [] };
      const containerId = await engine.createContainer(request);
      ctx.emit({ type: 'container.created', service: name, container: request.name });
      if (servicePlan.dataCache && attempt === 1) {
        await seedPostgresData(ctx, {
          engine,
          info,
          service: name,
          request,
          imageId: servicePlan.imageId,
          candidate: servicePlan.dataCache,
          containerId,
          timeoutMs: options.timeoutMs ?? 120_000,
        });
      }
      try {
        await engine.startContainer(containerId);
        ctx.emit({ type: 'container.started', service: name, container: request.name });
        return containerId;
      } catch (error) {
        const retry = isDevenvError(error) && error.code === 'PORT_TAKEN' && chosen.length > 0 && attempt < 3;
        if (!retry) throw error;
        for (const port of chosen) avoid.add(port);
        await engine.removeContainer(containerId, { force: true, volumes: false });
        ctx.emit({ type: 'container.removed', service: name, container: request.name });
      }
    }
  };

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
        containerId = await createAndStart(name, servicePlan, existing?.ports ?? []);
      }
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
