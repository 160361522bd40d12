/**
 * A project with a Postgres stack brought up through the CLI, and an
 * AppContext of the real adapters for the use-cases under test. Everything the
 * stack creates carries a branch under the run's prefix and is reaped by label.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import type { AppContext } from '../../../src/app/context.js';
import { systemClock } from '../../../src/app/context.js';
import type { DevenvEvent } from '../../../src/app/events.js';
import { resolveStackTarget, type StackTarget } from '../../../src/app/stack-target.js';
import { createAppContext } from '../../../src/cli/app-context.js';
import buildOnce from '../../support/build-once.js';
import { cliEnv, devenv } from '../../support/cli.js';

export interface UpProject {
  ctx: AppContext;
  target: StackTarget;
  events: DevenvEvent[];
  write(path: string, text: string): Promise<void>;
}

/**
 * Compiles src/ to dist/ (the CLI brings the stack up). tsc emits even when
 * some file elsewhere in the tree does not typecheck (others' work in
 * progress); `npm run typecheck` reports that, so only a missing CLI fails here.
 */
export async function buildCli(): Promise<void> {
  try {
    await buildOnce();
  } catch (error) {
    if (!existsSync(fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url)))) throw error;
    console.warn(`tsc reported errors; running the CLI that was emitted anyway: ${String(error)}`);
  }
}

export async function upProject(dir: string, branch: string): Promise<UpProject> {
  const result = await devenv(dir, ['up', '-d', '--branch', branch]);
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  const events: DevenvEvent[] = [];
  const ctx = createAppContext({
    cwd: dir,
    env: { ...process.env, ...cliEnv() },
    clock: systemClock,
    // The CLI's version: it is part of each service's config hash, so an in-process `up` keeps what the CLI made.
    version: (
      JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {
        version: string;
      }
    ).version,
    signal: new AbortController().signal,
    sink: (event) => events.push(event),
  });
  const target = await resolveStackTarget(ctx, { branch });
  return {
    ctx,
    target,
    events,
    async write(path, text) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    },
  };
}

/** One SQL query through the host's psql (what an integration test would do with the leased URL). */
export async function query(url: string, sql: string): Promise<string> {
  const result = await execa('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    reject: false,
  });
  if (result.exitCode !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return result.stdout.trim();
}
