/** Observe a stack once: what the engine has under the stack's labels. */
import type { ContainerEngine } from '../contracts/engine.js';
import type { ObservedStack } from '../core/plan/reconcile.js';
import { Labels, stackSelector } from '../core/stack/labels.js';
import { observedContainer, type ObservedContainer } from '../core/stack/label-facts.js';

export async function observeStack(engine: ContainerEngine, stack: string): Promise<ObservedStack> {
  const selector = stackSelector(stack);
  const [containers, networks, volumes] = await Promise.all([
    engine.listContainers(selector),
    engine.listNetworks(selector),
    engine.listVolumes(selector),
  ]);
  // Label facts parsed once, here: nothing downstream reads a raw label value.
  return { containers: containers.map(observedContainer), networks, volumes };
}

/** The containers of one service of a stack (with their label facts), running or not. */
export async function serviceContainers(
  engine: ContainerEngine,
  stack: string,
  service: string,
): Promise<ObservedContainer[]> {
  const containers = await engine.listContainers({ [Labels.stack]: stack, [Labels.service]: service });
  return containers.map(observedContainer);
}

/** The running container of one service of a stack, if there is one. */
export async function runningServiceContainer(
  engine: ContainerEngine,
  stack: string,
  service: string,
): Promise<ObservedContainer | undefined> {
  return (await serviceContainers(engine, stack, service)).find((c) => c.state === 'running');
}
