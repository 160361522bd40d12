/**
 * Faults of a stack's own services on the shared engine (issue 17): a service
 * that never becomes ready, a healthcheck that hangs, a build that fails, a
 * host port already taken. Each `devenv up` ends with a clear error (a typed
 * code, a message naming the service, a next step) and `devenv down -v` leaves
 * none of the stack's labelled resources. test/e2e/failures.test.ts has the
 * first healthcheck case with its log lines; this one records every case's outcome.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli } from './built-cli.js';
import { devenv } from '../../support/cli.js';
import { countOf, reapBranchPrefix, resourcesWhere, runPrefix } from '../../support/engine-state.js';
import { tempProject, type TempProject } from '../../support/projects.js';
import { cliError, isClearError, recordOutcome, type CliError } from './fault-outcome.js';

const prefix = runPrefix();
const projects: TempProject[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  await ensureBuiltCli();
}, 180_000);

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await Promise.all(projects.map((p) => p.remove()));
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

interface FaultRun {
  error: CliError | undefined;
  clear: boolean;
  exitCode: number;
  leftovers: number;
  /** The stack's labelled resources between the failed `up` and `down`. */
  leftBeforeDown: number;
}

/** `devenv up -d --json` of the project, then `devenv down -v`; records the outcome. */
async function faultCase(
  name: string,
  files: Record<string, string>,
  expected: { code: string; names: string[] },
  upFlags: string[] = ['--timeout', '60s'],
): Promise<FaultRun> {
  const project = await tempProject(files, `devenv-fault-${name}-`);
  projects.push(project);
  const branch = `${prefix}-${name}`;
  const up = await devenv(project.dir, ['up', '-d', '--json', ...upFlags, '--branch', branch]);
  const error = cliError(up);
  const clear = isClearError(error, expected.code, expected.names);
  const leftBeforeDown = countOf(await resourcesWhere(`dev.devenv.branch=${branch}`));
  const down = await devenv(project.dir, ['down', '-v', '--branch', branch]);
  const leftovers = countOf(await resourcesWhere(`dev.devenv.branch=${branch}`));
  recordOutcome({
    case: name,
    clearError: clear,
    code: error?.code,
    exitCode: up.exitCode,
    leftoversAfterDown: leftovers,
  });
  // After the outcome is recorded: a failed down is a failed case in the figures too.
  expect(down.exitCode, down.stderr).toBe(0);
  return { error, clear, exitCode: up.exitCode, leftovers, leftBeforeDown };
}

function expectClear(run: FaultRun, code: string): void {
  expect(run.exitCode).toBe(1);
  expect(run.error?.code, JSON.stringify(run.error)).toBe(code);
  expect(run.clear, JSON.stringify(run.error)).toBe(true);
  expect(run.leftovers).toBe(0);
}

/** A port on 127.0.0.1 held by this process for the rest of the file. */
async function takenPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('service faults end with a clear error, and down -v cleans', () => {
  it('a healthcheck that always fails', async () => {
    const run = await faultCase(
      'never-healthy',
      {
        'compose.yaml': `
services:
  sick:
    image: devenv-test/redis:7
    healthcheck:
      test: ["CMD-SHELL", "echo not ready; exit 1"]
      interval: 200ms
      timeout: 1s
      retries: 3
`,
      },
      { code: 'SERVICE_FAILED', names: ['"sick"'] },
    );
    expectClear(run, 'SERVICE_FAILED');
    expect(run.error?.message).toMatch(/unhealthy/);
    expect(run.leftBeforeDown).toBeGreaterThan(0);
  });

  // Without a healthcheck, devenv's readiness is its own probe (README, Readiness): here the first
  // published port, on which nothing ever listens; the dependent waits for it as service_healthy.
  it('a service without a healthcheck that never becomes ready, and one depending on it', async () => {
    const run = await faultCase(
      'never-ready-no-healthcheck',
      {
        'compose.yaml': `
services:
  silent:
    image: devenv-test/debian-base:bookworm
    command: ["sleep", "infinity"]
    ports:
      - "8080"
  app:
    image: devenv-test/redis:7
    depends_on:
      silent:
        condition: service_healthy
`,
      },
      { code: 'SERVICE_FAILED', names: ['"silent"', 'port 8080'] },
      ['--timeout', '8s'],
    );
    expectClear(run, 'SERVICE_FAILED');
    expect(run.error?.message).toMatch(/not ready after 8 s/);
  });

  it('a healthcheck whose command hangs beyond its timeout', async () => {
    const run = await faultCase(
      'hung-healthcheck',
      {
        'compose.yaml': `
services:
  stuck:
    image: devenv-test/redis:7
    healthcheck:
      test: ["CMD-SHELL", "sleep 30"]
      interval: 200ms
      timeout: 1s
      retries: 2
`,
      },
      { code: 'SERVICE_FAILED', names: ['"stuck"'] },
    );
    expectClear(run, 'SERVICE_FAILED');
    expect(run.error?.message).toMatch(
      /healthcheck hangs: the test did not finish within its timeout \(1s\)/,
    );
  });

  it('a build whose RUN fails', async () => {
    const run = await faultCase(
      'build-fails',
      {
        'compose.yaml': `
services:
  api:
    build: ./api
`,
        'api/Dockerfile': 'FROM devenv-test/debian-base:bookworm\nRUN echo compiling; false\n',
      },
      { code: 'IMAGE_BUILD_FAILED', names: ['api'] },
    );
    expectClear(run, 'IMAGE_BUILD_FAILED');
    expect(run.error?.message).toMatch(/returned a non-zero code/);
  });

  it('a fixed host port that another process holds', async () => {
    const port = await takenPort();
    const run = await faultCase(
      'port-taken',
      {
        'compose.yaml': `
services:
  cache:
    image: devenv-test/redis:7
    ports:
      - "127.0.0.1:${port}:6379"
`,
      },
      { code: 'PORT_TAKEN', names: ['cache', String(port)] },
      // devenv picks free host ports unless told to keep the template's.
      ['--fixed-ports'],
    );
    expectClear(run, 'PORT_TAKEN');
  });
});
