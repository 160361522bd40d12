/**
 * The engine's disk fills (issue 17): a second engine whose data root is a
 * 300 MB loop-mounted ext4 filesystem (netns devfull, bridge 10.241.0.0/24).
 * A build whose RUN writes more than is free, and an `up` when the disk is
 * already full, each end with ENGINE_DISK_FULL (what devenv was doing, the
 * engine's words, the next step: `docker system df`, `devenv gc`, prune), and
 * `devenv down -v`, run while the disk is still full, leaves none of the
 * stack's labelled resources.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltCli } from './built-cli.js';
import { countOf, resourcesWhere, runPrefix } from '../../support/engine-state.js';
import { tempProject, type TempProject } from '../../support/projects.js';
import { canRunSecondEngine } from '../../support/second-engine.js';
import { fullDiskEngine, MINI_IMAGE, type FullDiskEngine } from './fault-engines.js';
import { cliError, isClearError, recordOutcome } from './fault-outcome.js';

const prefix = runPrefix();
const projects: TempProject[] = [];

describe.skipIf(!canRunSecondEngine())('the engine disk fills', () => {
  let disk: FullDiskEngine | undefined;

  beforeAll(async () => {
    await ensureBuiltCli();
    disk = await fullDiskEngine('devfull', '10.241.0.1/24', 300);
  }, 240_000);

  afterAll(async () => {
    await disk?.remove();
    await Promise.all(projects.map((p) => p.remove()));
  }, 120_000);

  async function faultCase(name: string, files: Record<string, string>, names: (stack: string) => string[]) {
    const { engine } = disk!;
    const project = await tempProject(files, `devenv-fault-${name}-`);
    projects.push(project);
    const branch = `${prefix}-${name}`;
    const up = await engine.devenv(project.dir, [
      'up',
      '-d',
      '--json',
      '--timeout',
      '60s',
      '--branch',
      branch,
    ]);
    const error = cliError(up);
    const stack = (await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker)).networks[0]?.Labels?.[
      'dev.devenv.stack'
    ];
    const clear = isClearError(error, 'ENGINE_DISK_FULL', names(stack ?? branch));
    // Still full: removing must not need space.
    const down = await engine.devenv(project.dir, ['down', '-v', '--branch', branch]);
    const leftovers = countOf(await resourcesWhere(`dev.devenv.branch=${branch}`, engine.docker));
    recordOutcome({
      case: name,
      clearError: clear,
      code: error?.code,
      exitCode: up.exitCode,
      leftoversAfterDown: leftovers,
    });
    return { up, error, clear, down, leftovers };
  }

  it('a build whose RUN writes more than the disk holds', async () => {
    await disk!.fill(40 * 1024 * 1024);
    try {
      const run = await faultCase(
        'disk-full-build',
        {
          'compose.yaml': 'services:\n  bulky:\n    build: .\n',
          Dockerfile: `FROM ${MINI_IMAGE}\nRUN dd if=/dev/zero of=/blob bs=1M count=200\n`,
        },
        () => ['bulky'],
      );
      expect(run.up.exitCode, run.up.stderr).toBe(1);
      expect(run.error?.code, JSON.stringify(run.error)).toBe('ENGINE_DISK_FULL');
      expect(run.error?.message).toMatch(
        /^Could not build image \S*bulky\S*: the Docker engine's disk is full/,
      );
      expect(run.error?.hint).toContain('docker system df');
      expect(run.error?.hint).toContain('devenv gc');
      expect(run.error?.details?.join('\n')).toMatch(/No space left on device/i);
      expect(run.clear).toBe(true);
      expect(run.down.exitCode, run.down.stderr).toBe(0);
      expect(run.leftovers).toBe(0);
    } finally {
      await disk!.unfill();
    }
  });

  it('an up when the disk is already full', async () => {
    await disk!.fill(0);
    try {
      const run = await faultCase(
        'disk-full-up',
        {
          'compose.yaml': `
services:
  store:
    image: ${MINI_IMAGE}
    command: ["sleep", "600"]
    volumes:
      - data:/data
volumes:
  data:
`,
        },
        (stack) => [stack],
      );
      expect(run.up.exitCode, run.up.stderr).toBe(1);
      expect(run.error?.code, JSON.stringify(run.error)).toBe('ENGINE_DISK_FULL');
      expect(run.error?.message).toMatch(/the Docker engine's disk is full/);
      expect(run.error?.details?.join('\n')).toMatch(/no space left on device/i);
      expect(run.clear, JSON.stringify(run.error)).toBe(true);
      expect(run.down.exitCode, run.down.stderr).toBe(0);
      expect(run.leftovers).toBe(0);
    } finally {
      await disk!.unfill();
    }
  });
});
