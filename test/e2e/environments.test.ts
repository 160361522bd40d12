/**
 * Environments from one set of files: overlays merged in order, two environments of one branch
 * side by side, a protected environment refused on the local engine, and the parity gate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import {
  docker,
  reapBranchPrefix,
  resourcesWhere,
  runPrefix,
  stackResources,
} from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';
import { EXITED, tmuxServer } from '../support/tmux-dashboard.js';

const prefix = runPrefix();
const branch = `${prefix}-envs`;
let project: TempProject;
const terminal = tmuxServer(`devenv-e2e-${prefix}`);

const files = {
  'compose.yaml': `name: envshop
services:
  cache:
    image: \${REDIS_IMAGE:-redis:7}
    environment:
      LOG_LEVEL: debug
      MODE: \${MODE:-plain}
    ports: ["6379"]
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 200ms
      retries: 50
`,
  'compose.test.yaml': `services:
  cache:
    environment:
      MODE: first-overlay
      FROM_TEST: "yes"
`,
  'compose.ci.yaml': `services:
  cache:
    environment:
      MODE: second-overlay
    restart: "no"
    deploy:
      replicas: 2
`,
  'compose.staging.yaml': `services:
  cache:
    environment:
      LOG_LEVEL: warn
    healthcheck:
      retries: 10
    deploy: { replicas: 3 }
`,
  'devenv.yaml': `environments:
  test:
    compose: [compose.test.yaml, compose.ci.yaml]
    variables: { ENVIRONMENT: testing }
  staging:
    compose: [compose.staging.yaml]
  prod:
    protected: true
parity:
  allow: ["services.*.environment.LOG_LEVEL", "services.*.healthcheck", "services.*.deploy.replicas"]
`,
};

async function stackEnv(environment: string): Promise<Record<string, string>> {
  const result = await devenv(project.dir, ['env', '--json', '--branch', branch, '--env', environment]);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string>;
}

beforeAll(async () => {
  project = await tempProject(files, 'devenv-envs-');
});

afterAll(async () => {
  await terminal.kill();
  await reapBranchPrefix(prefix);
  await project.remove();
});

describe('environments', () => {
  it('merges the overlays of `config --env test` after the base files, in order', async () => {
    const result = await devenv(project.dir, ['config', '--env', 'test', '--branch', branch]);
    expect(result.exitCode, result.stderr).toBe(0);
    const services = result.stdout
      .slice(0, result.stdout.indexOf('x-devenv:'))
      .replaceAll(project.dir, '<dir>');
    expect(services).toBe(GOLDEN_TEST_CONFIG);
    expect(result.stdout).toContain('environment: test');
  });

  it('runs two environments of one branch at once; down of one leaves the other', async () => {
    const dev = await devenv(project.dir, ['up', '-d', '--branch', branch]);
    expect(dev.exitCode, dev.stdout + dev.stderr).toBe(0);
    const test = await devenv(project.dir, ['up', '-d', '--branch', branch, '--env', 'test']);
    expect(test.exitCode, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toContain('env test');
    // deploy.replicas: 2 in the test overlay: one container, and the user is told.
    expect(test.stdout + test.stderr).toContain(
      'services.cache.deploy.replicas is 2, but devenv runs one container per service: it starts 1 where docker compose would start 2',
    );
    const [devEnv, testEnv] = [await stackEnv('dev'), await stackEnv('test')];
    expect(devEnv['DEVENV_ENV']).toBe('dev');
    expect(testEnv['DEVENV_ENV']).toBe('test');
    expect(devEnv['DEVENV_STACK']).not.toBe(testEnv['DEVENV_STACK']);
    const [devRes, testRes] = await Promise.all([
      stackResources(devEnv['DEVENV_STACK']!),
      stackResources(testEnv['DEVENV_STACK']!),
    ]);
    expect(devRes.containers.map((c) => c.State)).toEqual(['running']);
    expect(testRes.containers.map((c) => c.State)).toEqual(['running']);
    expect(testRes.containers[0]?.Labels['dev.devenv.environment']).toBe('test');
    expect(devRes.containers[0]?.Labels['dev.devenv.environment']).toBeUndefined();

    const ls = await devenv(project.dir, ['ls']);
    expect(ls.stdout).toContain(`${testEnv['DEVENV_STACK']}  project=envshop env=test`);
    expect(ls.stdout).toContain(`${devEnv['DEVENV_STACK']}  project=envshop env=dev`);

    const down = await devenv(project.dir, ['down', '--branch', branch, '--env', 'test']);
    expect(down.exitCode, down.stderr).toBe(0);
    const testLeft = await stackResources(testEnv['DEVENV_STACK']!);
    expect([...testLeft.containers, ...testLeft.networks]).toEqual([]);
    expect((await stackResources(devEnv['DEVENV_STACK']!)).containers.map((c) => c.State)).toEqual([
      'running',
    ]);
  });

  it('names the defined environments for an unknown one', async () => {
    const result = await devenv(project.dir, ['config', '--branch', branch], { DEVENV_ENV: 'qa' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'There is no environment "qa"; this project has: dev, test, staging, prod.',
    );
  });

  it('refuses a protected environment on the local engine and creates nothing', async () => {
    const protectedBranch = `${prefix}-prot`;
    const unconfirmed = await devenv(project.dir, ['up', '-d', '--branch', protectedBranch, '--env', 'prod']);
    expect(unconfirmed.exitCode).toBe(2);
    expect(unconfirmed.stderr).toContain('Environment "prod" is protected');
    expect(unconfirmed.stderr).toContain('--yes');
    const confirmed = await devenv(project.dir, [
      'up',
      '-d',
      '--yes',
      '--branch',
      protectedBranch,
      '--env',
      'prod',
    ]);
    expect(confirmed.exitCode).toBe(1);
    expect(confirmed.stderr).toContain('is never started on a local engine; the engine is unix://');
    const all = await resourcesWhere('dev.devenv.stack');
    const created = [...all.containers, ...all.networks, ...all.volumes].filter(
      (item) =>
        ((item as { Labels?: Record<string, string> }).Labels ?? {})['dev.devenv.branch'] === protectedBranch,
    );
    expect(created).toEqual([]);
  });

  it('every command that changes a protected environment refuses without --yes and names the fix; reads never ask', async () => {
    const protectedBranch = `${prefix}-prot-cmds`;
    const at = ['--branch', protectedBranch, '--env', 'prod'];
    const refusals: [string[], string][] = [
      [['down'], "`devenv down` removes the stack's containers and network"],
      [['down', '-v'], "`devenv down` removes the stack's containers and network"],
      [['gc'], '`devenv gc` removes expired stacks and leftover images'],
      [['test'], '`devenv test` runs integration tests against the stack'],
      [['test', '--integration'], '`devenv test` runs integration tests against the stack'],
      [['watch'], '`devenv watch` runs integration tests against the stack'],
    ];
    for (const [args, what] of refusals) {
      const result = await devenv(project.dir, [...args, ...at]);
      const shown = `${args.join(' ')}: ${result.stdout}${result.stderr}`;
      expect(result.exitCode, shown).toBe(2);
      expect(result.stderr, shown).toContain(
        `Error: Environment "prod" is protected (devenv.yaml environments.prod.protected: true): ${what}`,
      );
      expect(result.stderr, shown).toContain(
        `What to do: Pass --yes to run \`devenv ${args[0]}\` on prod (the default engine) without being asked`,
      );
    }
    // DEVENV_ENV counts as --env; JSON output carries the code.
    const json = await devenv(project.dir, ['down', '--json', '--branch', protectedBranch], {
      DEVENV_ENV: 'prod',
    });
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'error', code: 'ENV_PROTECTED' });
    // A gc that only looks, and the read-only commands, neither ask nor take --yes.
    const dryRun = await devenv(project.dir, ['gc', '--dry-run', ...at]);
    expect(dryRun.exitCode, dryRun.stderr).toBe(0);
    for (const args of [['config'], ['ls'], ['diff', 'dev', 'prod']]) {
      const result = await devenv(project.dir, [...args, ...at]);
      expect(result.stderr, args.join(' ')).not.toContain('protected');
      expect([0, 1], `${args.join(' ')}: ${result.stderr}`).toContain(result.exitCode);
    }
    const noYes = await devenv(project.dir, ['config', '--yes', ...at]);
    expect(noYes.exitCode).toBe(2);
    expect(noYes.stderr).toContain("Unknown option '--yes'");
    // Confirmed, down goes ahead (there is nothing of this branch to remove).
    const confirmed = await devenv(project.dir, ['down', '--yes', ...at]);
    expect(confirmed.stderr).not.toContain('is protected');
  });

  it('--stack naming a stack labelled with a protected environment asks too, whatever --env says', async () => {
    // What a prod stack leaves on an engine, made by hand: a protected environment never starts here.
    const stack = `${prefix}-prodstack`;
    const volume = `${stack}_data`;
    await docker.createVolume({
      Name: volume,
      Labels: {
        'dev.devenv.stack': stack,
        'dev.devenv.environment': 'prod',
        'dev.devenv.branch': `${prefix}-prodstack`,
      },
    });
    const refused = await devenv(project.dir, ['down', '-v', '--stack', stack, '--env', 'test']);
    expect(refused.exitCode, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toContain(
      `Error: Stack "${stack}" belongs to environment "prod" (its labels say so), which is protected (devenv.yaml environments.prod.protected: true): \`devenv down\``,
    );
    expect(refused.stderr).toContain(
      `What to do: Pass --yes to run \`devenv down\` on stack ${stack} of prod`,
    );
    expect((await stackResources(stack)).volumes.map((v) => v.Name)).toEqual([volume]);
    const confirmed = await devenv(project.dir, ['down', '-v', '--stack', stack, '--yes']);
    expect(confirmed.exitCode, confirmed.stderr).toBe(0);
    expect((await stackResources(stack)).volumes).toEqual([]);
  });

  it('on a terminal it asks: n cancels, Ctrl-C interrupts, y goes ahead', async () => {
    const args = ['down', '--branch', `${prefix}-prot-ask`, '--env', 'prod'];
    const question =
      'Environment "prod" is protected (devenv.yaml environments.prod.protected: true): `devenv down` removes the stack\'s containers and network (with -v its volumes) on prod (the default engine). Go ahead? [y/N]';
    const ask = async (session: string, keys: string[]) => {
      await terminal.start({ session, dir: project.dir, args, size: { columns: 250, rows: 20 } });
      await terminal.waitForScreen(session, (t) => t.includes(question), 'the question', {
        timeoutMs: 30_000,
      });
      await terminal.sendKeys(session, ...keys);
      return terminal.waitForScreen(session, (t) => t.includes(EXITED), 'exit', { timeoutMs: 30_000 });
    };
    const no = await ask(`${prefix}-ask-n`, ['n', 'Enter']);
    expect(no).toContain('Error: Not confirmed: `devenv down` on protected environment "prod" cancelled.');
    expect(no).toContain(`${EXITED} 1`);
    const interrupted = await ask(`${prefix}-ask-c`, ['C-c']);
    expect(interrupted).toContain('Interrupted: `devenv down` did not run.');
    expect(interrupted).toContain(`${EXITED} 130`);
    const yes = await ask(`${prefix}-ask-y`, ['y', 'Enter']);
    expect(yes).toContain('Nothing to remove');
    expect(yes).toContain(`${EXITED} 0`);
  });

  it('devenv diff: exit 1 and the differences on a difference not allowed, 0 when all are allowed', async () => {
    const failing = await devenv(project.dir, ['diff', 'dev', 'test', '--json', '--branch', branch]);
    expect(failing.exitCode, failing.stderr).toBe(1);
    const report = JSON.parse(failing.stdout) as { equal: boolean; differences: unknown[] };
    expect(report.equal).toBe(false);
    expect(report.differences).toEqual([
      { service: 'cache', path: 'services.cache.deploy.replicas', a: null, b: '2', allowed: true },
      { service: 'cache', path: 'services.cache.environment.ENVIRONMENT', a: null, b: 'set', allowed: false },
      { service: 'cache', path: 'services.cache.environment.FROM_TEST', a: null, b: 'set', allowed: false },
      { service: 'cache', path: 'services.cache.restart', a: null, b: 'no', allowed: false },
    ]);
    expect(failing.stdout).not.toContain('second-overlay');

    const allowed = await devenv(project.dir, ['diff', 'dev', 'staging', '--branch', branch]);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect(allowed.stdout).toContain('all allowed by parity.allow');
    const same = await devenv(project.dir, ['diff', 'dev', 'dev', '--json', '--branch', branch]);
    expect(same.exitCode).toBe(0);
    expect(JSON.parse(same.stdout)).toEqual({ equal: true, differences: [] });
    const usage = await devenv(project.dir, ['diff', 'dev']);
    expect(usage.exitCode).toBe(2);
  });
});

const GOLDEN_TEST_CONFIG = `name: envshop
services:
  cache:
    image: devenv-test/redis:7
    environment:
      ENVIRONMENT: testing
      LOG_LEVEL: debug
      MODE: second-overlay
      FROM_TEST: yes
    ports:
      - target: 6379
        protocol: tcp
    healthcheck:
      test:
        - CMD
        - redis-cli
        - ping
      interval: 200ms
      retries: 50
    restart: no
    networks:
      default: null
    deploy:
      replicas: 2
networks:
  default: {}
`;
