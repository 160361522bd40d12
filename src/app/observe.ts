/** A service's instances, found through the stack backend (with their label facts). */
import type { StackBackend } from '../contracts/stack-backend.js';
import type { ObservedContainer } from '../core/stack/label-facts.js';

/** The containers of one service of a stack, running or not. */
export async function serviceContainers(
  backend: Pick<StackBackend, 'observe'>,
  stack: string,
  service: string,
): Promise<ObservedContainer[]> {
  const { containers } = await backend.observe(stack);
  return containers.filter((container) => container.facts.service === service);
}

/** The running container of one service of a stack, if there is one. */
export async function runningServiceContainer(
  backend: Pick<StackBackend, 'observe'>,
  stack: string,
  service: string,
): Promise<ObservedContainer | undefined> {
  return (await serviceContainers(backend, stack, service)).find((c) => c.state === 'running');
}
