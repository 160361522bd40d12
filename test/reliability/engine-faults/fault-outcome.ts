/**
 * What an engine-level fault looks like to a user, read from the real CLI:
 * the error of `devenv up --json` (its code, message and next step), whether
 * it is a clear one (the expected code, the message naming what failed, a
 * next step), and what `devenv down -v` left. With ENGINE_FAULT_STATS_DIR
 * set, each case writes its outcome there (engine-fault-CASE.json), for
 * bench/reliability.mjs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliResult } from '../../support/cli.js';

/** The `{"type":"error",...}` line `--json` ends with. */
export interface CliError {
  code: string;
  message: string;
  hint?: string;
  details?: string[];
}

export function cliError(result: CliResult): CliError | undefined {
  const lines = `${result.stdout}\n${result.stderr}`.split('\n').reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(line) as { type?: string } & CliError;
      if (parsed.type === 'error') return parsed;
    } catch {
      // Not a JSON line.
    }
  }
  return undefined;
}

export interface FaultOutcome {
  case: string;
  /** The expected code, a message naming `names` (the service, the stale stacks), a next step. */
  clearError: boolean;
  code: string | undefined;
  exitCode: number;
  /** Labelled containers, networks and volumes of the stack after `devenv down -v`. */
  leftoversAfterDown: number;
}

/** Whether the error is the clear one expected: its code, every name in its message or details, a next step. */
export function isClearError(error: CliError | undefined, code: string, names: readonly string[]): boolean {
  if (error === undefined || error.code !== code) return false;
  const text = [error.message, ...(error.details ?? [])].join('\n');
  return names.every((name) => text.includes(name)) && (error.hint ?? '').trim().length > 0;
}

export function recordOutcome(outcome: FaultOutcome): void {
  const dir = process.env.ENGINE_FAULT_STATS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `engine-fault-${outcome.case}.json`), `${JSON.stringify(outcome)}\n`);
}
