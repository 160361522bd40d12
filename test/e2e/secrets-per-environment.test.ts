/**
 * devenv.yaml secrets per environment, through the real CLI and engine: values
 * from secrets.<env>.env, the shell and a command reach the container; another
 * environment's file never does; a tracked secrets file, a missing required
 * secret and a hanging command stop `up` before anything exists; and nothing a
 * session prints (plain, --json, config, env, logs, errors) holds a value.
 */
import { execa } from 'execa';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv, type CliResult } from '../support/cli.js';
import { countOf, reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';
import { EXITED, tmuxServer } from '../support/tmux-dashboard.js';
import { containerExec } from '../support/container-exec.js';

const prefix = runPrefix();
const branch = `${prefix}-envsecrets`;
const FILE_DEV = 'file-dev-secret-3c1f9a';
const FILE_PROD = 'file-prod-secret-8d2e7b';
const FROM_SHELL = 'shell-secret-5a6b7c';
const FROM_COMMAND = 'cmd-secret-dev-77aa41';
const secretValues = [FILE_DEV, FILE_PROD, FROM_SHELL, FROM_COMMAND];
let project: TempProject;
const printed: { what: string; text: string }[] = [];
const terminal = tmuxServer(`devenv-e2e-${prefix}`);

const devenvYaml = `
secrets:
  FILE_SECRET:
    description: read from secrets.<env>.env
    required: true
    from: [file]
  SHELL_SECRET:
    required: [dev, staging]
    from: [env]
  COMMAND_SECRET:
    required: [dev]
    from: [command]
    command: "sh ./print-secret.sh {env}"
environments:
  qa: {}
  slow: {}
`;

// The service prints what it got at start (as a careless app would), so logs carry the values.
const compose = `
services:
  app:
    image: \${REDIS_IMAGE:-redis:7}
    environment:
      FROM_FILE: "\${FILE_SECRET}"
      FROM_SHELL: "\${SHELL_SECRET}"
    secrets: [from_command]
    entrypoint: ["sh", "-c", "echo boot $$FROM_FILE $$FROM_SHELL $$(cat /run/secrets/from_command); exec redis-server --protected-mode no"]
secrets:
  from_command:
    environment: COMMAND_SECRET
`;

const printSecret = `case "$1" in
  slow) sleep 60; echo never ;;
  *) printf 'cmd-secret-%s-77aa41\\n' "$1" ;;
esac
`;

async function run(what: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await devenv(project.dir, args, { SHELL_SECRET: FROM_SHELL, ...env });
  printed.push({ what, text: result.stdout + result.stderr });
  return result;
}

const exec = containerExec;

beforeAll(async () => {
  project = await tempProject({
    'devenv.yaml': devenvYaml,
    'compose.yaml': compose,
    'bad-port.yaml':
      'services:\n  app:\n    image: ${REDIS_IMAGE:-redis:7}\n    ports: ["${FILE_SECRET}:80"]\n',
    'print-secret.sh': printSecret,
    '.gitignore': 'secrets.*.env\n',
    'secrets.dev.env': `FILE_SECRET=${FILE_DEV}\n`,
    'secrets.prod.env': `FILE_SECRET=${FILE_PROD}\n`,
  });
  for (const file of ['secrets.dev.env', 'secrets.prod.env']) await chmod(join(project.dir, file), 0o600);
  await execa('git', ['init', '-q'], { cwd: project.dir });
});

afterAll(async () => {
  await terminal.kill();
  await reapBranchPrefix(prefix);
  await project.remove();
});

describe('secrets per environment (real engine)', () => {
  it("file, shell and command values reach the container; another environment's file does not", async () => {
    const up = await run('up --json', ['up', '-d', '--branch', branch, '--json']);
    expect(up.exitCode, up.stderr).toBe(0);
    const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const id = containers[0]!.Id;
    expect((await exec(id, ['printenv', 'FROM_FILE'])).trim()).toBe(FILE_DEV);
    expect((await exec(id, ['printenv', 'FROM_SHELL'])).trim()).toBe(FROM_SHELL);
    expect(await exec(id, ['cat', '/run/secrets/from_command'])).toBe(FROM_COMMAND);
    const environment = await exec(id, ['sh', '-c', 'env; cat /run/secrets/*']);
    expect(environment).not.toContain(FILE_PROD);

    const plain = await run('up (plain, no change)', ['up', '-d', '--branch', branch]);
    expect(plain.exitCode, plain.stderr).toBe(0);
  });

  it('config, env and logs show no value; env --show-secrets does', async () => {
    for (const args of [['config'], ['config', '--json'], ['env'], ['env', '--json'], ['logs', 'app']]) {
      const shown = await run(args.join(' '), [...args, '--branch', branch]);
      expect(shown.exitCode, shown.stderr).toBe(0);
    }
    const logs = printed.find((entry) => entry.what === 'logs app')!.text;
    expect(logs).toContain('boot **** **** ****');
    const env = printed.find((entry) => entry.what === 'env')!.text;
    // Masked values are shell-quoted like any other: eval "$(devenv env)" assigns the mask.
    expect(env).toContain("FROM_FILE='****'");

    const shown = await devenv(project.dir, ['env', '--show-secrets', '--branch', branch], {
      SHELL_SECRET: FROM_SHELL,
    });
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`FROM_FILE=${FILE_DEV}`);
  });

  it('an error that quotes a secret value shows the mask', async () => {
    const failed = await run('error quoting a value', [
      'up',
      '-d',
      '-f',
      'bad-port.yaml',
      '--branch',
      `${branch}-bad`,
    ]);
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('****');
  });

  it('a missing required secret ends up before anything exists, naming it, the environment and its sources', async () => {
    const staging = `${branch}-staging`;
    const failed = await run('missing required', ['up', '-d', '--env', 'staging', '--branch', staging], {
      SHELL_SECRET: '',
    });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain(
      'Secrets FILE_SECRET, SHELL_SECRET are required in environment "staging" but not set.',
    );
    expect(failed.stderr).toContain('FILE_SECRET (read from secrets.<env>.env): from secrets.staging.env');
    expect(failed.stderr).toContain('SHELL_SECRET: from the shell (SHELL_SECRET)');
    expect(countOf(await resourcesWhere(`dev.devenv.branch=${staging}`))).toBe(0);
  });

  it('a secrets file git tracks is refused with the fix, and nothing is created', async () => {
    const qa = `${branch}-qa`;
    await writeFile(join(project.dir, 'secrets.qa.env'), `FILE_SECRET=${FILE_DEV}\n`, { mode: 0o600 });
    await execa('git', ['add', '-f', 'secrets.qa.env'], { cwd: project.dir });
    try {
      const failed = await run('tracked file', ['up', '-d', '--env', 'qa', '--branch', qa]);
      expect(failed.exitCode).toBe(1);
      expect(failed.stderr).toContain('secrets.qa.env is tracked by git');
      expect(failed.stderr).toContain('git rm --cached secrets.qa.env');
      expect(failed.stderr).toContain('`secrets.*.env` to .gitignore');
      expect(countOf(await resourcesWhere(`dev.devenv.branch=${qa}`))).toBe(0);
    } finally {
      await execa('git', ['rm', '-q', '--cached', 'secrets.qa.env'], { cwd: project.dir });
    }
  });

  it('a command that hangs ends at the timeout with an error naming the secret and the command', async () => {
    const slow = `${branch}-slow`;
    await writeFile(join(project.dir, 'secrets.slow.env'), `FILE_SECRET=${FILE_DEV}\n`, { mode: 0o600 });
    const started = Date.now();
    const failed = await run('hanging command', ['up', '-d', '--env', 'slow', '--branch', slow, '--json']);
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout + failed.stderr).toContain(
      'The command for secret COMMAND_SECRET did not finish within 10s: sh ./print-secret.sh slow',
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(countOf(await resourcesWhere(`dev.devenv.branch=${slow}`))).toBe(0);
  }, 60_000);

  it('the dashboard (tmux) and its host environment view show only masks', async () => {
    const session = `${branch}-tui`;
    const record = join(project.dir, 'dashboard.bytes');
    await terminal.start({
      session,
      dir: project.dir,
      args: ['up', '--branch', branch],
      size: { columns: 120, rows: 40 },
      env: { SHELL_SECRET: FROM_SHELL },
      record,
    });
    const ready = await terminal.waitForScreen(session, (t) => /✔ (ready|healthy) \d/.test(t), 'app ready');
    printed.push({ what: 'dashboard', text: ready });
    await terminal.sendKeys(session, 'e');
    const env = await terminal.waitForScreen(session, (t) => t.includes('FROM_FILE'), 'the host environment');
    expect(env).toMatch(/FROM_FILE\W+\*\*\*\*/);
    printed.push({ what: 'dashboard env', text: env });
    await terminal.sendKeys(session, 'Escape');
    await terminal.sendKeys(session, 'q');
    printed.push({
      what: 'dashboard end',
      text: await terminal.waitForScreen(session, (t) => t.includes(EXITED), 'exit'),
    });
    printed.push({ what: 'dashboard bytes', text: await readFile(record, 'utf8') });
  }, 120_000);

  it('nothing the session printed holds a secret value', () => {
    expect(printed.length).toBeGreaterThanOrEqual(15);
    for (const { what, text } of printed)
      for (const value of secretValues) expect(text, `${what} printed ${value}`).not.toContain(value);
  });
});
