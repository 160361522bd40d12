/**
 * `devenv init` as a user meets it: a new project from each template passes
 * `devenv up -d && devenv test --all` on its first run (its unit tests with no
 * stack at all), and `init minimal .` in a repository with code keeps every file
 * it has (a file of the template in the way needs --force, and is named).
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, devenv, devenvBin } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { jsonEvents } from '../support/json-events.js';

const workspace = e2eWorkspace();

/** `up -d` may build the app image (minutes on a busy machine): a longer limit than devenv()'s. */
async function up(dir: string, branch: string) {
  const result = await execa(process.execPath, [devenvBin, 'up', '-d', '--branch', branch], {
    cwd: dir,
    env: cliEnv(),
    reject: false,
    timeout: 420_000,
  });
  return { exitCode: result.exitCode, output: `${String(result.stdout)}\n${String(result.stderr)}` };
}

function counts(stdout: string) {
  const finished = jsonEvents(stdout).find((event) => event.type === 'test.run.finished');
  return finished?.type === 'test.run.finished' ? finished.counts : undefined;
}

describe('devenv init node-postgres-redis', () => {
  const branch = `${workspace.prefix}-nprs`;
  let dir = '';

  it('writes the project, named after --name, and runs git init', { timeout: 60_000 }, async () => {
    const parent = (await workspace.project({}, 'devenv-init-')).dir;
    const result = await devenv(parent, ['init', 'node-postgres-redis', 'shop', '--name', 'Shop API']);
    expect(result.exitCode, result.stderr).toBe(0);
    dir = join(parent, 'shop');
    expect(result.stdout).toContain('created        compose.yaml');
    expect(result.stdout).toContain('cd shop\n  npm install\n  devenv up -d\n  devenv test --all');
    expect(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))).toMatchObject({ name: 'shop-api' });
    expect(await readFile(join(dir, 'compose.yaml'), 'utf8')).toContain('${DB_NAME:-shop_api_dev}');
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toContain('secrets.*.env');
    expect(existsSync(join(dir, '.github/workflows/pipeline.yml'))).toBe(true);
    expect(existsSync(join(dir, '.git'))).toBe(true);
  });

  it(
    'installs from npm on the host, and its unit tests pass with no stack',
    { timeout: 400_000 },
    async () => {
      await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir });
      const unit = await devenv(dir, ['test', '--unit', '--json', '--branch', branch]);
      expect(unit.exitCode, unit.stdout + unit.stderr).toBe(0);
      expect(counts(unit.stdout)).toMatchObject({ failed: 0, passed: 9 });
    },
  );

  it('passes devenv up -d && devenv test --all on its first run', { timeout: 600_000 }, async () => {
    const started = await up(dir, branch);
    expect(started.exitCode, started.output).toBe(0);
    expect(started.output).toMatch(/app +ready in/);
    const all = await devenv(dir, ['test', '--all', '--json', '--branch', branch]);
    expect(all.exitCode, all.stdout + all.stderr).toBe(0);
    expect(counts(all.stdout)).toMatchObject({ failed: 0, passed: 11 });
    const env = await devenv(dir, ['env', '--json', '--branch', branch]);
    const { APP_HOST, APP_PORT } = JSON.parse(env.stdout) as Record<string, string>;
    const health = await fetch(`http://${APP_HOST}:${APP_PORT}/health`);
    expect(await health.json()).toEqual({ status: 'ok', checks: { postgres: true, redis: true } });
  });

  it('passes its own parity gate (devenv diff staging prod)', async () => {
    const diff = await devenv(dir, ['diff', 'staging', 'prod']);
    expect(diff.exitCode, diff.stdout + diff.stderr).toBe(0);
    const down = await devenv(dir, ['down', '--volumes', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
  });
});

describe('devenv init minimal', () => {
  it('in an empty directory: up -d and test --all pass', { timeout: 300_000 }, async () => {
    const branch = `${workspace.prefix}-min`;
    const dir = (await workspace.project({}, 'devenv-init-min-')).dir;
    const init = await devenv(dir, ['init', 'minimal', '--no-git', '--json']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(jsonEvents(init.stdout).map((event) => event.type)).toEqual([
      'init.file',
      'init.file',
      'init.file',
      'init.git',
      'init.done',
    ]);
    const started = await up(dir, branch);
    expect(started.exitCode, started.output).toBe(0);
    const all = await devenv(dir, ['test', '--all', '--branch', branch]);
    expect(all.exitCode, all.stdout + all.stderr).toBe(0);
    expect((await devenv(dir, ['down', '--volumes', '--branch', branch])).exitCode).toBe(0);
  });

  it('in a repository with code: keeps its files, adds to .gitignore, needs --force to overwrite', async () => {
    const files = {
      'README.md': '# legacy\n',
      'src/index.js': 'console.log("hi");\n',
      '.gitignore': 'node_modules/\n',
      'devenv.yaml': 'tests:\n  unit: ["test/**"]\n',
    };
    const dir = (await workspace.project(files, 'devenv-init-repo-')).dir;
    const git = (...args: string[]) => execa('git', args, { cwd: dir });
    await git('init', '-q');
    await git('add', '.');
    await git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'legacy');

    const refused = await devenv(dir, ['init', 'minimal', '.']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      'devenv init would overwrite a file in .: devenv.yaml. Nothing was written.',
    );
    expect(refused.stderr).toContain('--force');
    expect(existsSync(join(dir, 'compose.yaml'))).toBe(false);

    await writeFile(join(dir, 'devenv.yaml'), (await readFile(join(dir, 'devenv.yaml'), 'utf8')) + '\n');
    await git('checkout', '--', 'devenv.yaml');
    const forced = await devenv(dir, ['init', 'minimal', '.', '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stdout).toContain('overwrote      devenv.yaml');
    expect(forced.stdout).toContain('created        compose.yaml');
    expect(forced.stdout).toContain('added lines to .gitignore');
    expect(forced.stdout).toContain('git init      skipped (already inside a git repository)');
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toBe(files['README.md']);
    expect(await readFile(join(dir, 'src/index.js'), 'utf8')).toBe(files['src/index.js']);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toMatch(
      /^node_modules\/\n[\s\S]*secrets\.\*\.env\n$/,
    );
    const status = await git('status', '--porcelain');
    expect(status.stdout.split('\n').sort()).toEqual([' M .gitignore', ' M devenv.yaml', '?? compose.yaml']);
  });

  it('names an unknown template and lists the real ones', async () => {
    const dir = (await workspace.project({}, 'devenv-init-x-')).dir;
    const result = await devenv(dir, ['init', 'rails']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('There is no template "rails".');
    const list = await devenv(dir, ['init', '--list', '--json']);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((t) => t.name)).toEqual([
      'node-postgres-redis',
      'minimal',
    ]);
  });
});
