/**
 * A vitest sequencer that starts a run's files in the order devenv asked for
 * (nearest to the change first), except that files vitest remembers as
 * failed last time go first (vitest's results cache, kept across runs in
 * node_modules/.vite/vitest). Used only where the project keeps vitest's
 * default sequencer: a project's own (or `sequence.shuffle`) is left alone.
 */
import path from 'node:path';
import type { TestSpecification, Vitest } from 'vitest/node';

type Sequencer = Vitest['config']['sequence']['sequencer'];

export function requestOrderSequencer(order: readonly string[], root: string): Sequencer {
  const position = new Map(order.map((file, index) => [path.resolve(root, file), index]));
  class RequestOrderSequencer {
    constructor(private readonly ctx: Vitest) {}

    shard(specs: TestSpecification[]): Promise<TestSpecification[]> {
      return Promise.resolve(specs);
    }

    sort(specs: TestSpecification[]): Promise<TestSpecification[]> {
      const failedBefore = (spec: TestSpecification) => {
        const key = `${spec.project.name}:${path.relative(this.ctx.config.root, spec.moduleId)}`;
        return this.ctx.cache.getFileTestResults(key)?.failed === true ? 0 : 1;
      };
      const at = (spec: TestSpecification) => position.get(spec.moduleId) ?? Infinity;
      return Promise.resolve([...specs].sort((a, b) => failedBefore(a) - failedBefore(b) || at(a) - at(b)));
    }
  }
  return RequestOrderSequencer as unknown as Sequencer;
}

/** True when the project left vitest's sequencing as it comes (no shuffle, the default sequencer). */
export function usesDefaultSequencer(vitest: Vitest): boolean {
  const { sequence } = vitest.config;
  return sequence.shuffle !== true && sequence.sequencer.name === 'BaseSequencer';
}
