/** Observe a stack once on a container engine: what it has under the stack's labels. */
import type { ContainerEngine } from '../../contracts/engine.js';
import type { ObservedStack } from '../../core/plan/reconcile.js';
import { stackSelector } from '../../core/stack/labels.js';
import { observedContainer } from '../../core/stack/label-facts.js';

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
