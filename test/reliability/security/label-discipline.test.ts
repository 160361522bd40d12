/**
 * devenv touches only what carries its labels, and only this user's stacks:
 * decoys without devenv's labels, named as devenv names things (the stack's
 * name, the project's, the proxy's, devenv's image tags), and another user's
 * expired ephemeral stack of the same project and branch, all survive
 * `down -v`, `gc` (every flag that removes things), the reaper of an
 * ephemeral stack, `preview rm` and gc of a preview whose branch is gone.
 * `gc --all-users` then collects the other user's stack.
 */
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../../support/cli.js';
import {
  countOf,
  docker,
  reapBranchPrefix,
  resourcesWhere,
  runPrefix,
  removeProxies,
} from '../../support/engine-state.js';
import { tempProject, type TempProject } from '../../support/projects.js';
import { freePort } from '../../support/proxy-http.js';
import { writeSecurityStats } from './security-stats.js';

const prefix = runPrefix();
const branch = `${prefix}-mine`;
const ephemeralBranch = `${prefix}-eph`;
const previewBranch = `${prefix}-pv`;
const goneBranch = `${prefix}-gone`;
const otherUser = `other${prefix}`;
const BASE_IMAGE = 'devenv-test/redis:7';

const compose = `
services:
  app:
    image: \${REDIS_IMAGE:-redis:7}
    volumes: ["data:/data"]
    ports: ["6379"]
  web:
    build:
      context: .
      args: { NODE_IMAGE: "\${NODE_IMAGE:-node:20}" }
    ports: ["3000"]
volumes:
  data: {}
`;
const dockerfile =
  'ARG NODE_IMAGE=node:20\nFROM ${NODE_IMAGE}\nCMD ["node", "-e", "require(\'http\').createServer((q, s) => s.end(\'ok\')).listen(3000)"]\n';

let project: TempProject;
const cache = await mkdtemp(join(tmpdir(), 'devenv-labels-cache-'));
const proxyPort = await freePort();
const env = {
  DEVENV_PROXY_IMAGE: 'devenv-test/caddy:2',
  DEVENV_PROXY_PORT: String(proxyPort),
  XDG_CACHE_HOME: cache,
};
const git = (...args: string[]) => execa('git', args, { cwd: project.dir });

interface Decoys {
  containers: string[];
  networks: string[];
  volumes: string[];
  tags: string[];
}
const decoys: Decoys = { containers: [], networks: [], volumes: [], tags: [] };

beforeAll(async () => {
  project = await tempProject(
    { 'compose.yaml': compose, Dockerfile: dockerfile, '.gitignore': '.env\n' },
    `devenv-labels-${prefix}-`,
  );
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'test');
  await git('add', '.');
  await git('commit', '-qm', 'main');
  for (const name of [previewBranch, goneBranch]) await git('branch', name);
}, 180_000);

async function removeDecoys(): Promise<void> {
  for (const name of decoys.containers)
    await docker
      .getContainer(name)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  for (const name of decoys.networks)
    await docker
      .getNetwork(name)
      .remove()
      .catch(() => undefined);
  for (const name of decoys.volumes)
    await docker
      .getVolume(name)
      .remove()
      .catch(() => undefined);
  for (const tag of decoys.tags)
    await docker
      .getImage(tag)
      .remove({ noprune: true })
      .catch(() => undefined);
}

afterAll(async () => {
  await devenv(project.dir, ['preview', 'rm', previewBranch], env);
  await removeDecoys();
  await reapBranchPrefix(prefix);
  await removeProxies(proxyPort);
  await project.remove();
  await rm(cache, { recursive: true, force: true });
}, 180_000);

/** Containers, networks, volumes and image tags named as devenv names things, none with devenv's labels. */
async function plantDecoys(stack: string, projectName: string): Promise<void> {
  const once = decoys.networks.length === 0;
  const names = [
    `${stack}-app-decoy`,
    `${projectName}-app-1`,
    `${stack}_decoy`,
    `devenv-proxy-${proxyPort}-decoy`,
  ];
  for (const [i, name] of names.entries()) {
    if (decoys.containers.includes(name)) continue;
    const container = await docker.createContainer({
      name,
      Image: BASE_IMAGE,
      Labels: { 'com.docker.compose.project': projectName, 'decoy.of': stack },
      HostConfig: { NetworkMode: 'none' },
    });
    if (i % 2 === 0) await container.start();
    decoys.containers.push(name);
  }
  // The engine allows two networks of one name: a decoy may share the stack network's own name (kept by id).
  for (const name of [
    `${stack}-decoy`,
    `${stack}_default`,
    stack,
    ...(once ? [`${projectName}_default`] : []),
  ]) {
    const network = await docker.createNetwork({ Name: name, Labels: { 'decoy.of': stack } });
    decoys.networks.push(network.id);
  }
  // A volume name is unique: creating one that exists would return devenv's own, so those are skipped.
  for (const name of [`${stack}_data`, `${stack}-data-decoy`, `${projectName}_data`]) {
    if (decoys.volumes.includes(name)) continue;
    if (
      await docker
        .getVolume(name)
        .inspect()
        .then(
          () => true,
          () => false,
        )
    )
      continue;
    await docker.createVolume({ Name: name, Labels: { 'decoy.of': stack } });
    decoys.volumes.push(name);
  }
  for (const tag of [
    `devenv/${stack}/app:latest`,
    `devenv/${stack}/decoy:latest`,
    `devenv/${projectName}-web:decoy`,
  ]) {
    if (decoys.tags.includes(tag)) continue;
    const [repo, version] = tag.split(/:(?=[^:]*$)/) as [string, string];
    await docker.getImage(BASE_IMAGE).tag({ repo, tag: version });
    decoys.tags.push(tag);
  }
}

async function survivingDecoys(): Promise<string[]> {
  const alive: string[] = [];
  const check = async (what: string, probe: () => Promise<unknown>) => {
    if (
      await probe().then(
        () => true,
        () => false,
      )
    )
      alive.push(what);
  };
  for (const name of decoys.containers)
    await check(`container ${name}`, () => docker.getContainer(name).inspect());
  for (const name of decoys.networks) await check(`network ${name}`, () => docker.getNetwork(name).inspect());
  for (const name of decoys.volumes) await check(`volume ${name}`, () => docker.getVolume(name).inspect());
  for (const tag of decoys.tags) await check(`image ${tag}`, () => docker.getImage(tag).inspect());
  return alive;
}

const planted = () =>
  decoys.containers.length + decoys.networks.length + decoys.volumes.length + decoys.tags.length;

describe('label discipline (real engine)', () => {
  it("down, gc, the reaper and previews leave unlabelled look-alikes and another user's stack alone", async () => {
    const up = await devenv(project.dir, ['up', '-d', '--branch', branch], env);
    expect(up.exitCode, up.stdout + up.stderr).toBe(0);
    const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const stack = containers[0]!.Labels['dev.devenv.stack']!;
    const projectName = containers[0]!.Labels['dev.devenv.project']!;
    // Another user's ephemeral stack of the same project and branch, its TTL run out by the time gc looks.
    const other = await devenv(project.dir, ['up', '-d', '--ephemeral', '--ttl', '1s', '--branch', branch], {
      ...env,
      DEVENV_USER: otherUser,
    });
    expect(other.exitCode, other.stdout + other.stderr).toBe(0);
    const otherStack = (await resourcesWhere(`dev.devenv.branch=${branch}`)).containers
      .map((c) => c.Labels['dev.devenv.stack']!)
      .find((name) => name !== stack)!;
    expect(otherStack).toBeDefined();
    await plantDecoys(stack, projectName);
    await plantDecoys(otherStack, projectName);
    const steps: string[] = [];

    const down = await devenv(project.dir, ['down', '-v', '--branch', branch], env);
    expect(down.exitCode, down.stderr).toBe(0);
    expect(countOf(await resourcesWhere(`dev.devenv.stack=${stack}`))).toBe(0);
    steps.push('down -v');

    // The reaper of an ephemeral stack: its owner process ends, the stack goes, nothing else.
    const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
    const ephemeral = await devenv(
      project.dir,
      ['up', '-d', '--ephemeral', '--owner-pid', String(owner.pid), '--branch', ephemeralBranch],
      env,
    );
    expect(ephemeral.exitCode, ephemeral.stderr).toBe(0);
    owner.kill('SIGKILL');
    for (let i = 0; i < 60 && countOf(await resourcesWhere(`dev.devenv.branch=${ephemeralBranch}`)) > 0; i++)
      await sleep(1000);
    expect(countOf(await resourcesWhere(`dev.devenv.branch=${ephemeralBranch}`))).toBe(0);
    steps.push('reaper');

    // Previews: one removed with `preview rm`, one collected by gc once its branch is deleted.
    for (const name of [previewBranch, goneBranch]) {
      const preview = await devenv(project.dir, ['preview', 'up', name, '--json'], env);
      expect(preview.exitCode, preview.stdout + preview.stderr).toBe(0);
    }
    const removed = await devenv(project.dir, ['preview', 'rm', previewBranch], env);
    expect(removed.exitCode, removed.stderr).toBe(0);
    steps.push('preview rm');
    await git('branch', '-D', goneBranch);

    for (const flags of [[], ['--data-cache'], ['--json']]) {
      const gc = await devenv(project.dir, ['gc', ...flags], env);
      expect(gc.exitCode, gc.stderr).toBe(0);
      steps.push(`gc ${flags.join(' ')}`.trim());
    }
    expect(countOf(await resourcesWhere(`dev.devenv.branch=${goneBranch}`))).toBe(0);

    const survived = await survivingDecoys();
    const otherLeft = countOf(await resourcesWhere(`dev.devenv.stack=${otherStack}`));
    writeSecurityStats('label-discipline', {
      steps,
      decoysPlanted: planted(),
      decoysSurvived: survived.length,
      otherUsersStacks: 1,
      otherUsersStacksSurvived: otherLeft > 0 ? 1 : 0,
    });
    expect(survived.length, `survivors: ${survived.join(', ')}`).toBe(planted());
    expect(otherLeft, "another user's expired ephemeral stack").toBeGreaterThan(0);

    // Asked for, gc collects the other user's expired stack (and still no decoy).
    const all = await devenv(project.dir, ['gc', '--all-users', '--json'], env);
    expect(all.exitCode, all.stderr).toBe(0);
    expect(all.stdout).toContain(otherStack);
    expect(countOf(await resourcesWhere(`dev.devenv.stack=${otherStack}`))).toBe(0);
    expect((await survivingDecoys()).length).toBe(planted());
  });
});
