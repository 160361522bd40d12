/**
 * The stack backend for any container engine (contracts/engine.ts): a stack
 * is containers, networks and volumes carrying devenv's labels. The Docker
 * engine, local or remote, runs stacks through it; so does the tests'
 * in-memory engine. Both pass test/support/backend-contract.ts.
 */
import type {
  ContainerEngine,
  ContainerStatus,
  EngineInfo,
  ExecOptions,
  ExecResult,
  LogLine,
  LogOptions,
  PublishedPort,
  StreamExecOptions,
  StreamExecResult,
} from '../../contracts/engine.js';
import type {
  AppliedService,
  ApplyHooks,
  RemovedStack,
  StackBackend,
  StackChange,
  StackSpec,
} from '../../contracts/stack-backend.js';
import type { PlanNode } from '../../core/plan/plan-graph.js';
import { reachableHost } from '../../core/plan/port-plan.js';
import type { ObservedStack } from '../../core/plan/reconcile.js';
import { applyPlan } from './apply-plan.js';
import { observeStack } from './observe-stack.js';
import { removeStackResources } from './remove-stack.js';

export class ContainerStackBackend implements StackBackend {
  constructor(
    private readonly engine: ContainerEngine,
    private readonly engineInfo: EngineInfo,
  ) {}

  info(): Promise<EngineInfo> {
    return this.engine.info();
  }

  observe(stack: string): Promise<ObservedStack> {
    return observeStack(this.engine, stack);
  }

  apply(
    spec: StackSpec,
    plan: readonly PlanNode[],
    observed: ObservedStack,
    hooks: ApplyHooks,
  ): Promise<AppliedService[]> {
    return applyPlan(this.engine, spec, plan, observed, hooks);
  }

  remove(
    stack: string,
    options: { volumes: boolean },
    onChange: (change: StackChange) => void,
  ): Promise<RemovedStack> {
    return removeStackResources(this.engine, stack, options, onChange);
  }

  inspect(instanceId: string): Promise<ContainerStatus | undefined> {
    return this.engine.inspectContainer(instanceId);
  }

  logs(instanceId: string, options: LogOptions, onLine: (line: LogLine) => void): Promise<void> {
    return this.engine.logs(instanceId, options, onLine);
  }

  exec(instanceId: string, command: string[], options?: ExecOptions): Promise<ExecResult> {
    return this.engine.exec(instanceId, command, options);
  }

  execStream(instanceId: string, command: string[], options: StreamExecOptions): Promise<StreamExecResult> {
    return this.engine.execStream(instanceId, command, options);
  }

  restart(instanceId: string, timeoutSeconds: number): Promise<void> {
    return this.engine.restartContainer(instanceId, timeoutSeconds);
  }

  copyInto(instanceId: string, dir: string, tar: NodeJS.ReadableStream): Promise<void> {
    return this.engine.copyToContainer(instanceId, dir, tar);
  }

  reachable(port: PublishedPort): { host: string; port: number } {
    return { host: reachableHost(this.engineInfo.publishedHost, port.hostIp), port: port.hostPort };
  }
}
