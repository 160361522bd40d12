/**
 * A stack on the three-node test swarm with `registry:` in devenv.yaml, and
 * `file:` secrets and configs. The registry is a real one (Debian's
 * docker-registry, test/support/swarm-registry.sh: HTTPS on the cluster
 * bridge, its CA trusted by every engine). The app is built here and placed on
 * a worker: `up` pushes it to the registry (and says so, loading nothing), the
 * service names the registry's reference, the worker pulled it by that
 * reference, and the app answers. Its secret and config come from files of this
 * machine and reach the worker as swarm secret and config (not bind mounts):
 * the task reads them, the service's inspect does not hold the content, its
 * logs show the secret masked. `down` leaves nothing with the stack's labels.
 */
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devenv } from '../support/cli.js';
import { runPrefix } from '../support/engine-state.js';
import { tempProject, type TempProject } from '../support/projects.js';
import {
  acquireSwarm,
  canRunSwarm,
  releaseSwarm,
  startSwarmRegistry,
  stopSwarmRegistry,
  swarmLeftovers,
  swarmNodesVariable,
  upOnSwarm,
  workerAddress,
  workerEngines,
} from '../support/swarm-cluster.js';

const manager = new Docker();
const branch = `${runPrefix()}-swarm-registry`;
const token = `tok-${randomBytes(12).toString('hex')}`;
const motd = 'a config from a file of this machine';
let project: TempProject | undefined;
let env: Record<string, string> = {};
let acquired = false;
let registry = '';
let stack = '';
let reference = '';

const server = `
const fs = require('node:fs');
const token = fs.readFileSync('/run/secrets/token', 'utf8');
console.log('starting with token ' + token);
require('node:http').createServer((req, res) => {
  res.end(JSON.stringify({ token: fs.readFileSync('/run/secrets/token', 'utf8'), motd: fs.readFileSync('/etc/motd.txt', 'utf8') }));
}).listen(3000);
`;

function files(): Record<string, string> {
  return {
    'devenv.yaml': `registry: ${registry}\n`,
    'compose.yaml': `name: swarmreg
services:
  app:
    build: ./app
    ports: ["3000"]
    secrets: [token]
    configs:
      - source: motd
        target: /etc/motd.txt
    restart: always
    deploy:
      placement:
        constraints: ["node.labels.devenv.test.node==w1"]
secrets:
  token:
    file: ./token.txt
configs:
  motd:
    file: ./motd.txt
`,
    'token.txt': token,
    'motd.txt': motd,
    'app/Dockerfile': 'FROM devenv-test/node:20\nCOPY server.js /server.js\nCMD ["node", "/server.js"]\n',
    'app/server.js': server,
  };
}

interface ContainerSpecView {
  Image?: string;
  Mounts?: unknown[];
  Secrets?: { SecretID: string; File?: { Name?: string } }[];
  Configs?: { ConfigID: string; File?: { Name?: string } }[];
}

/** The app service as the manager has it, and its container spec. */
async function appService(): Promise<{ service: unknown; spec: ContainerSpecView }> {
  const [service] = await manager.listServices({
    filters: { label: [`dev.devenv.stack=${stack}`, 'dev.devenv.service=app'] },
  });
  if (!service) throw new Error('no app service');
  const template = service.Spec?.TaskTemplate as { ContainerSpec?: ContainerSpecView } | undefined;
  return { service, spec: template?.ContainerSpec ?? {} };
}

/** Untags `ref` on an engine (a task container the node is still dropping may hold it a moment); absent is fine. */
async function untag(engine: Docker, ref: string): Promise<void> {
  for (let tries = 0; tries < 20; tries++) {
    try {
      await engine.getImage(ref).remove();
      return;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

describe.skipIf(!canRunSwarm())('a stack on swarm with registry: and file: secrets', () => {
  beforeAll(async () => {
    await acquireSwarm('devenv-test/node:20');
    acquired = true;
    registry = await startSwarmRegistry();
    env = { DEVENV_SWARM_NODES: await swarmNodesVariable() };
    project = await tempProject(files(), 'devenv-swarm-registry-');
  }, 300_000);

  afterAll(async () => {
    if (project) {
      await devenv(project.dir, ['down', '-v', '--engine', 'swarm', '--branch', branch], env);
      await project.remove();
    }
    if (reference !== '')
      for (const engine of [manager, ...Object.values(workerEngines)]) await untag(engine, reference);
    await stopSwarmRegistry();
    if (acquired) await releaseSwarm();
  }, 300_000);

  it('pushes the built image to the registry, the service names that reference, and the worker pulled it', async () => {
    const up = await upOnSwarm(project!.dir, branch, env);
    const events = up.events;
    stack = up.stack;
    const infos = events.flatMap((event) => (event.type === 'info' ? [event.message] : []));
    const pushed = infos
      .map((message) =>
        /^image \S+ pushed to (\S+) as (\S+); the nodes pull it from there \(pulled now by ([^)]*)\)$/.exec(
          message,
        ),
      )
      .find((match) => match !== null);
    expect(pushed?.[1]).toBe(registry);
    // The nodes devenv reaches (DEVENV_SWARM_NODES) pulled it at once.
    expect(pushed?.[3]).toBe('devswarm1, devswarm2');
    reference = pushed![2]!;
    expect(reference).toMatch(new RegExp(`^${registry.replace(/\./g, '\\.')}/\\S+:[0-9a-f]{12}$`));
    expect(infos.filter((message) => /loaded into node/.test(message))).toEqual([]);

    expect((await appService()).spec.Image).toBe(reference);
    // devswarm1 runs the task: it has the image by the registry's reference (pulled from it).
    const pulled = await workerEngines.devswarm1.getImage(reference).inspect();
    expect(pulled.RepoTags).toContain(reference);

    const ready = events.find((event) => event.type === 'service.ready' && event.service === 'app');
    if (ready?.type !== 'service.ready') throw new Error('app not ready');
    const port = ready.ports.find((p) => p.containerPort === 3000)!;
    expect(port.hostIp).toBe(workerAddress.devswarm1);
    const answer = (await (await fetch(`http://${port.hostIp}:${port.hostPort}/`)).json()) as Record<
      string,
      string
    >;
    // The task on the worker reads the file: secret and config as this machine has them.
    expect(answer).toEqual({ token, motd });
  }, 600_000);

  it('makes file: secrets and configs swarm objects: labelled, not bind mounts, content not in the service', async () => {
    const { service, spec: containerSpec } = await appService();
    expect(containerSpec.Mounts ?? []).toEqual([]);
    expect(containerSpec.Secrets?.map((secret) => secret.File?.Name)).toEqual(['/run/secrets/token']);
    expect(containerSpec.Configs?.map((config) => config.File?.Name)).toEqual(['/etc/motd.txt']);
    expect(JSON.stringify(service)).not.toContain(token);
    const labelled = { filters: { label: [`dev.devenv.stack=${stack}`] } };
    expect((await manager.listSecrets(labelled)).map((secret) => secret.ID)).toEqual([
      containerSpec.Secrets![0]!.SecretID,
    ]);
    expect((await manager.listConfigs(labelled)).map((config) => config.ID)).toEqual([
      containerSpec.Configs![0]!.ConfigID,
    ]);

    // The app prints its secret: devenv shows it masked.
    const logs = await devenv(project!.dir, ['logs', 'app', '--engine', 'swarm', '--branch', branch], env);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toContain('starting with token ');
    expect(logs.stdout + logs.stderr).not.toContain(token);
  });

  it('down leaves no service, network, secret, config or volume with the stack label on any node', async () => {
    expect(await swarmLeftovers(stack)).not.toEqual([]);
    const result = await devenv(project!.dir, ['down', '-v', '--engine', 'swarm', '--branch', branch], env);
    expect(result.exitCode).toBe(0);
    expect(await swarmLeftovers(stack)).toEqual([]);
  }, 120_000);
});
