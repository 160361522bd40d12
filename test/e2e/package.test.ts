/**
 * The packed package works where it is installed: `npm pack`, install the
 * tarball into an empty project, run the installed `devenv`.
 */
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('the packed package', () => {
  it('installs and runs devenv --version and devenv config', async () => {
    const packDir = await mkdtemp(join(tmpdir(), 'devenv-pack-'));
    const project = await mkdtemp(join(tmpdir(), 'devenv-install-'));
    dirs.push(packDir, project);
    const packed = await execa('npm', ['pack', '--pack-destination', packDir, '--json'], { cwd: repoRoot });
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const paths = info!.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['bin/devenv', 'dist/cli/main.js', 'templates/example/compose.yaml']),
    );
    expect(paths.some((p) => p.startsWith('src/') || p.startsWith('test/'))).toBe(false);

    await execa('npm', ['init', '-y'], { cwd: project });
    await execa(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', join(packDir, info!.filename)],
      { cwd: project },
    );
    const version = await execa(join(project, 'node_modules/.bin/devenv'), ['--version'], { cwd: project });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const config = await execa(
      join(project, 'node_modules/.bin/devenv'),
      [
        'config',
        '--json',
        '-f',
        join(project, 'node_modules/devenv/templates/example/compose.yaml'),
        '--branch',
        'pack',
      ],
      { cwd: project, reject: false },
    );
    expect(config.stderr).toContain('the `version` key is obsolete');
    expect(config.exitCode).toBe(0);
    expect((JSON.parse(config.stdout) as { services: Record<string, unknown> }).services).toHaveProperty(
      'postgres',
    );
  });
});
