/**
 * What a stack is doing right now, as a detaching session says it: every
 * service running, some, none, or unknown because the engine does not answer.
 */
import type { AppContext } from './context.js';

export type StackRunState =
  | { kind: 'running'; running: number; total: number }
  | { kind: 'partly'; running: number; total: number }
  | { kind: 'stopped'; total: number }
  | { kind: 'unknown' };

export async function stackRunState(ctx: AppContext, stack: string): Promise<StackRunState> {
  try {
    // Through the stack backend: a Swarm stack's instances are its services (their tasks run on other nodes).
    const { containers } = await (await ctx.backend()).observe(stack);
    const total = containers.length;
    const running = containers.filter((c) => c.state === 'running' || c.state === 'restarting').length;
    if (total > 0 && running === total) return { kind: 'running', running, total };
    if (running > 0) return { kind: 'partly', running, total };
    return { kind: 'stopped', total };
  } catch {
    return { kind: 'unknown' };
  }
}
