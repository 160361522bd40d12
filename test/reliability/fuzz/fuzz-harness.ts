/**
 * The fuzzing property shared by every parser target: for any input, the
 * parser returns, or throws devenv's own DevenvError with one of the expected
 * codes, a hint, and a message naming the place (the file, and the line or
 * key path when the problem has one); never any other exception, never a hang.
 *
 * Seeded and reproducible: FUZZ_SEED (default 17) and FUZZ_RUNS cases per
 * target (default 1,000; `npm run reliability` runs 10,000). A failure prints
 * the seed and the path fast-check needs to replay the case. With
 * FUZZ_STATS_DIR set, each target writes its counts there (bench/reliability.mjs).
 */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DevenvError, type ErrorCode } from '../../../src/core/errors.js';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 17);
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
/**
 * A case using more CPU time than this is a hang. It is a hang detector, not a
 * speed assertion: the largest legitimate documents (20,000 lines, megabytes
 * of string) take about a second, the quadratic cases it caught 10 to 17 s.
 * CPU time, not wall time: on a machine shared with other work (load 10 on 2
 * cores) a case waits for the CPU several times as long as it runs.
 */
export const CASE_LIMIT_MS = Number(process.env.FUZZ_CASE_LIMIT_MS ?? 5000);

export interface FuzzStats {
  target: string;
  seed: number;
  runs: number;
  /** Inputs the parser accepted. */
  accepted: number;
  /** Inputs refused with a DevenvError naming the file. */
  refused: number;
  /** ... of which name a line or a key path as well (a whole-file problem names only the file). */
  refusedAtLine: number;
  /** Anything else thrown (must be 0: the run fails at the first). */
  crashes: number;
  /** Cases over CASE_LIMIT_MS (must be 0: the run fails at the first). */
  hangs: number;
  /** The slowest case, in milliseconds of CPU time. */
  slowestMs: number;
}

export interface ParserTarget<T> {
  name: string;
  /** The file names the parser is given; its errors must name one of them. */
  files: readonly string[];
  codes: readonly ErrorCode[];
  parse: (input: T) => unknown;
}

/** Why an outcome breaks the property, or undefined when it keeps it. */
export function propertyViolation(
  target: Pick<ParserTarget<unknown>, 'files' | 'codes'>,
  error: unknown,
): string | undefined {
  if (!(error instanceof DevenvError))
    return `not a DevenvError: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  if (!target.codes.includes(error.code)) return `unexpected code ${error.code}: ${error.message}`;
  const file = error.location?.file;
  if (file === undefined || !target.files.includes(file) || !error.message.includes(file))
    return `the error does not name its file (${target.files.join(', ')}): ${error.message} (location ${JSON.stringify(error.location)})`;
  if (error.hint === undefined || error.hint === '') return `the error has no hint: ${error.message}`;
  return undefined;
}

/** Runs the property over FUZZ_RUNS inputs of arbitrary; returns the counts. */
export function fuzzParser<T>(
  target: ParserTarget<T>,
  arbitrary: fc.Arbitrary<T>,
  runs = FUZZ_RUNS,
): FuzzStats {
  const stats: FuzzStats = {
    target: target.name,
    seed: FUZZ_SEED,
    runs: 0,
    accepted: 0,
    refused: 0,
    refusedAtLine: 0,
    crashes: 0,
    hangs: 0,
    slowestMs: 0,
  };
  const outcome = (input: T): string | undefined => {
    const started = process.cpuUsage();
    let violation: string | undefined;
    try {
      target.parse(input);
      stats.accepted++;
    } catch (error) {
      violation = propertyViolation(target, error);
      if (violation === undefined) {
        stats.refused++;
        const location = (error as DevenvError).location;
        if (location?.line !== undefined || location?.path !== undefined) stats.refusedAtLine++;
      } else stats.crashes++;
    }
    const used = process.cpuUsage(started);
    const elapsed = (used.user + used.system) / 1000;
    stats.slowestMs = Math.max(stats.slowestMs, elapsed);
    if (violation === undefined && elapsed > CASE_LIMIT_MS) {
      stats.hangs++;
      violation = `hang: the case took ${Math.round(elapsed)} ms of CPU time (limit ${CASE_LIMIT_MS} ms)`;
    }
    return violation;
  };
  // FUZZ_COLLECT=1 (while fixing): run every case and print each kind of violation once.
  const collect = process.env.FUZZ_COLLECT === '1' ? new Map<string, string>() : undefined;
  const result = fc.check(
    fc.property(arbitrary, (input) => {
      stats.runs++;
      const violation = outcome(input);
      if (violation !== undefined && collect) {
        const kind = violation
          .split('\n')[0]!
          .replace(/"[^"]*"/g, '""')
          .replace(/\d+/g, 'N')
          .slice(0, 160);
        if (!collect.has(kind))
          collect.set(
            kind,
            `${violation.slice(0, 600)}\n  input: ${JSON.stringify(input).slice(0, Number(process.env.FUZZ_SHOW ?? 400))}`,
          );
      } else if (violation !== undefined) throw new Error(violation);
    }),
    { seed: FUZZ_SEED, numRuns: runs, endOnFailure: true },
  );
  writeStats(stats);
  if (collect && collect.size > 0) {
    console.log([...collect.values()].join('\n\n'));
    throw new Error(`${target.name}: ${collect.size} kinds of violation`);
  }
  if (result.failed) {
    const shown = JSON.stringify(result.counterexample?.[0])?.slice(0, 2000);
    throw new Error(
      `${target.name}: the property failed after ${result.numRuns} cases ` +
        `(replay with FUZZ_SEED=${result.seed}, fast-check path "${result.counterexamplePath}")\n` +
        `input: ${shown}\n${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`,
    );
  }
  return stats;
}

function writeStats(stats: FuzzStats): void {
  const dir = process.env.FUZZ_STATS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `fuzz-${stats.target}.json`), JSON.stringify(stats));
}
