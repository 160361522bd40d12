/**
 * Edge cases of a real stack through the CLI: printed commands that are safe
 * to paste, names that stay distinct, messages that say what happened.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { e2eWorkspace } from '../support/e2e-workspace.js';
import { countOf, docker, resourcesWhere } from '../support/engine-state.js';

const { prefix, project } = e2eWorkspace();

const oneRedis = 'services:\n  cache:\n    image: ${REDIS_IMAGE:-redis:7}\n';

describe('stack edge cases', () => {
  it('the printed `devenv down --branch …` is shell-quoted: pasting it passes the branch as given and runs nothing', async () => {
    const branch = `${prefix}-$(echo pwned) x`;
    const dir = (await project({ 'compose.yaml': oneRedis })).dir;
    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode, up.stderr).toBe(0);
    const line = up.stdout.split('\n').find((l) => l.startsWith('Stop it with: devenv down'));
    expect(line).toBe(
      `Stop it with: devenv down --branch '${branch}'   (connection settings unmasked: devenv env --show-secrets --branch '${branch}')`,
    );
    // What a shell makes of the pasted arguments.
    const args = line!.slice('Stop it with: devenv down'.length).split('   (')[0]!;
    const words = execFileSync('sh', ['-c', `printf '%s\\n' ${args}`], { encoding: 'utf8' });
    expect(words).toBe(`--branch\n${branch}\n`);
    const down = await devenv(dir, ['down', '--volumes', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(countOf(await resourcesWhere(`dev.devenv.branch=${branch}`))).toBe(0);
  });
});

describe('down', () => {
  it('of a stack that does not exist says it found nothing (exit 0), not "removed: 0 containers"', async () => {
    const dir = (await project({ 'compose.yaml': oneRedis })).dir;
    const down = await devenv(dir, ['down', '--branch', `${prefix}-never-started`]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(down.stdout).toMatch(
      /^Nothing to remove: no containers, networks or volumes of stack \S+ on this engine/m,
    );
    expect(down.stdout).not.toContain('removed: 0 containers');
    const json = await devenv(dir, ['down', '--json', '--branch', `${prefix}-never-started`]);
    const event = JSON.parse(json.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(event).toMatchObject({
      type: 'stack.removed',
      containers: 0,
      networks: 0,
      volumes: 0,
      volumesKept: 0,
    });
  });
});

describe("an object that is not devenv's holds a name devenv needs", () => {
  it('up says so and how to remove it (docker rm -f NAME), and never removes it itself', async () => {
    const branch = `${prefix}-foreign`;
    const dir = (await project({ 'compose.yaml': oneRedis })).dir;
    const config = await devenv(dir, ['config', '--json', '--branch', branch]);
    const name = (
      JSON.parse(config.stdout) as { 'x-devenv': { services: Record<string, { container: string }> } }
    )['x-devenv'].services['cache']!.container;
    // Not devenv's: no dev.devenv labels at all.
    const foreign = await docker.createContainer({ name, Image: 'devenv-test/redis:7' });
    try {
      const up = await devenv(dir, ['up', '-d', '--branch', branch]);
      expect(up.exitCode).toBe(1);
      expect(up.stderr).toContain(`a container named ${name} already exists and was not created by devenv`);
      expect(up.stderr).toContain(`docker rm -f ${name}`);
      expect(up.stderr).not.toContain('`devenv down` then `devenv up`');
      const again = await devenv(dir, ['down', '--branch', branch]);
      expect(again.exitCode).toBe(0);
      expect((await foreign.inspect()).Id).toBe(foreign.id);
    } finally {
      await foreign.remove({ force: true, v: true });
    }
  });
});

describe('names compose keeps apart stay apart on the engine', () => {
  it('services, networks and volumes differing only in case or punctuation get their own objects', async () => {
    const branch = `${prefix}-names`;
    const service = (name: string, network: string, volume: string) =>
      `  ${name}:\n    image: \${REDIS_IMAGE:-redis:7}\n    networks: [${network}]\n    volumes: ["${volume}:/data"]\n`;
    const compose = [
      'services:',
      service('Web', 'Net', 'Data').trimEnd(),
      service('web', 'net', 'data').trimEnd(),
      service('a..b', 'Net', 'Data').trimEnd(),
      service('a-b', 'net', 'data').trimEnd(),
      'networks:\n  Net: {}\n  net: {}',
      'volumes:\n  Data: {}\n  data: {}',
      '',
    ].join('\n');
    const dir = (await project({ 'compose.yaml': compose })).dir;
    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const resources = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const containerNames = resources.containers.map((c) => c.Names[0]!.slice(1));
    expect(resources.containers.map((c) => c.Labels['dev.devenv.service']).sort()).toEqual(
      ['Web', 'a-b', 'a..b', 'web'].sort(),
    );
    expect(new Set(containerNames).size).toBe(4);
    expect(containerNames.some((name) => name.endsWith('-web-1'))).toBe(true);
    expect(containerNames.some((name) => name.endsWith('-a-b-1'))).toBe(true);
    expect(resources.networks).toHaveLength(2);
    expect(resources.volumes).toHaveLength(2);
    const down = await devenv(dir, ['down', '--volumes', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(countOf(await resourcesWhere(`dev.devenv.branch=${branch}`))).toBe(0);
  });
});

describe('a 5 MB compose file', () => {
  it('comes up: nothing of it reaches a header (431) and every label devenv writes stays small', async () => {
    const branch = `${prefix}-big`;
    const big = (seed: string, size: number) => seed.repeat(Math.ceil(size / seed.length)).slice(0, size);
    const compose = [
      'services:',
      '  cache:',
      '    image: ${REDIS_IMAGE:-redis:7}',
      // One environment string stays under the kernel's 128 KB limit for a single string.
      '    environment:',
      `      CERTS: "${big('0123456789abcdef', 100_000)}"`,
      '    labels:',
      `      com.example.blob: "${big('blob', 2_500_000)}"`,
      `      com.example.more: "${big('more', 2_500_000)}"`,
      '',
    ].join('\n');
    expect(compose.length).toBeGreaterThan(5_000_000);
    const dir = (await project({ 'compose.yaml': compose })).dir;
    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode, up.stderr.slice(0, 2000)).toBe(0);
    expect(up.stderr).not.toContain('431');
    const [container] = (await resourcesWhere(`dev.devenv.branch=${branch}`)).containers;
    expect(container).toBeDefined();
    for (const [key, value] of Object.entries(container!.Labels)) {
      if (key.startsWith('dev.devenv.')) expect(value.length, key).toBeLessThanOrEqual(1024);
    }
    const down = await devenv(dir, ['down', '--volumes', '--branch', branch]);
    expect(down.exitCode, down.stderr).toBe(0);
  });
});
