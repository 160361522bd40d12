/**
 * Walks a plan graph (plan-graph.ts): every node runs as soon as its edges
 * hold, independent nodes in parallel. A node that fails fails the nodes that
 * require it ("not started because ... failed") and stops the walk (the
 * signal given to running nodes is aborted); the error thrown is the root
 * cause: a node's own failure, never a consequence or an interruption that
 * followed it. No I/O: what a node does is the caller's `run`.
 */
import { DevenvError } from '../errors.js';
import type { PlanNode } from './plan-graph.js';

/** A node not run because one it requires failed: a consequence, never the root cause. */
export class DependencyFailedError extends DevenvError {
  constructor(node: string, dependency: string, cause: unknown) {
    super('SERVICE_FAILED', `Service "${node}" was not started because "${dependency}" failed.`, { cause });
  }
}

export interface NodeProgress {
  /** The node has got far enough for `started` edges (a service's container runs). */
  started(): void;
  /** Aborted when another node failed or the walk's own signal was aborted. */
  signal: AbortSignal;
}

interface Gate {
  started: Promise<void>;
  done: Promise<void>;
  markStarted(): void;
  markDone(): void;
  fail(error: unknown): void;
}

function gate(): Gate {
  const parts = {} as Gate;
  let failStarted!: (e: unknown) => void;
  let failDone!: (e: unknown) => void;
  parts.started = new Promise<void>(
    (resolve, reject) => ((parts.markStarted = resolve), (failStarted = reject)),
  );
  parts.done = new Promise<void>((resolve, reject) => ((parts.markDone = resolve), (failDone = reject)));
  parts.started.catch(() => undefined);
  parts.done.catch(() => undefined);
  parts.fail = (error) => (failStarted(error), failDone(error));
  return parts;
}

/** The name a node has in messages: its service, network, volume or container. */
export function nodeName(node: PlanNode): string {
  if ('service' in node) return node.service;
  if ('network' in node) return node.network;
  return node.volume;
}

function isConsequence(error: unknown): boolean {
  return (
    error instanceof DependencyFailedError || (error instanceof DevenvError && error.code === 'INTERRUPTED')
  );
}

/**
 * Runs every node; resolves with each node's result by id, or rejects with
 * the root cause once every node has settled.
 */
export async function walkPlan<T>(
  nodes: readonly PlanNode[],
  run: (node: PlanNode, progress: NodeProgress) => Promise<T>,
  signal?: AbortSignal,
): Promise<Map<string, T>> {
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  signal?.addEventListener('abort', onOuterAbort, { once: true });
  const gates = new Map(nodes.map((node) => [node.key, gate()]));
  const byId = new Map(nodes.map((node) => [node.key, node]));

  const runOne = async (node: PlanNode): Promise<T> => {
    const own = gates.get(node.key)!;
    try {
      await Promise.all(
        node.dependsOn.map(async (edge) => {
          const dependency = gates.get(edge.node);
          if (!dependency) return;
          try {
            await (edge.condition === 'started' ? dependency.started : dependency.done);
          } catch (error) {
            if (edge.required)
              throw new DependencyFailedError(nodeName(node), nodeName(byId.get(edge.node)!), error);
          }
        }),
      );
      if (abort.signal.aborted) throw new DevenvError('INTERRUPTED', 'Interrupted.');
      const result = await run(node, { started: own.markStarted, signal: abort.signal });
      own.markStarted();
      own.markDone();
      return result;
    } catch (error) {
      own.fail(error);
      abort.abort();
      throw error;
    }
  };

  try {
    const settled = await Promise.allSettled(nodes.map(runOne));
    const failures = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (failures.length > 0) throw failures.find((error) => !isConsequence(error)) ?? failures[0];
    return new Map(
      nodes.map((node, index) => [node.key, (settled[index] as PromiseFulfilledResult<T>).value]),
    );
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
  }
}
