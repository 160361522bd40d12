/**
 * Attached `up` (logs until Ctrl-C, which detaches), `config`, fixed host
 * ports, and depends_on conditions, driven through the CLI.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { devenv, spawnDevenv } from '../support/cli.js';
import { countOf, docker, reapBranchPrefix, resourcesWhere, runPrefix } from '../support/engine-state.js';
import { dataServicesCompose, tempProject, type TempProject } from '../support/projects.js';

const prefix = runPrefix();
const projects: TempProject[] = [];
async function project(files: Record<string, string>): Promise<string> {
  const created = await tempProject(files);
  projects.push(created);
  return created.dir;
}

afterAll(async () => {
  await reapBranchPrefix(prefix);
  await Promise.all(projects.map((p) => p.remove()));
});

describe('attached up', () => {
  it('prints service logs after ready; Ctrl-C detaches, says how to stop, and leaves the stack running', async () => {
    const branch = `${prefix}-attached`;
    const dir = await project({ 'compose.yaml': dataServicesCompose });
    const child = spawnDevenv(dir, ['up', '--branch', branch]);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    for (let i = 0; i < 400 && !/redis\s+\| .*Ready to accept connections/.test(output); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(output).toMatch(/✔ stack .* ready in/);
    expect(output).toMatch(/^redis\s+\| .*Ready to accept connections/m);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout)).toContain(`keeps running; stop it with \`devenv down --branch ${branch}\``);
    const left = await resourcesWhere(`dev.devenv.branch=${branch}`);
    expect(left.containers.map((c) => c.State)).toEqual(['running', 'running']);
    expect((await devenv(dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
  });
});

interface ResolvedConfigOutput {
  services: Record<string, { image: string; ports: unknown[]; environment: Record<string, string | null> }>;
  'x-devenv': {
    stack: string;
    branch: string;
    labels: Record<string, string>;
    services: Record<string, { ports: { published: string }[] }>;
  };
}

describe('config', () => {
  it('prints the resolved model in long syntax with the stack block', async () => {
    const dir = await project({
      'compose.yaml':
        'version: "3.8"\nservices:\n  web:\n    image: ${WEB_IMAGE:-nginx:1}\n    ports: ["8080:80"]\n    environment: [A=1, B]\n    deploy:\n      replicas: 2\n',
    });
    const result = await devenv(dir, ['config', '--branch', `${prefix}-cfg`], { WEB_IMAGE: 'example/web:2' });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('the `version` key is obsolete');
    expect(result.stderr).toContain(
      'services.web.deploy.replicas is 2, but devenv runs one container per service: it starts 1 where docker compose would start 2',
    );
    const config = parse(result.stdout) as ResolvedConfigOutput;
    const web = config.services.web!;
    expect(web.image).toBe('example/web:2');
    expect(web.ports).toEqual([{ target: 80, published: '8080', protocol: 'tcp' }]);
    expect(web.environment).toEqual({ A: '1', B: null });
    expect(config['x-devenv'].branch).toBe(`${prefix}-cfg`);
    expect(config['x-devenv'].labels['dev.devenv.stack']).toBe(config['x-devenv'].stack);
    expect(config['x-devenv'].services['web']?.ports).toEqual([
      {
        target: 80,
        protocol: 'tcp',
        host_ip: '127.0.0.1',
        published: 'auto',
        note: 'host port 8080 replaced by a free port (use --fixed-ports to keep 8080)',
      },
    ]);
    const json = await devenv(dir, ['config', '--json', '--fixed-ports', '--branch', `${prefix}-cfg`]);
    const fixed = JSON.parse(json.stdout) as ResolvedConfigOutput;
    expect(fixed['x-devenv'].services['web']?.ports[0]?.published).toBe('8080');
  });
});

describe('compose keys for the container', () => {
  it('config shows them resolved, up -d applies them, a network_mode sidecar is ready through db', async () => {
    const dir = await project({
      'compose.yaml': `
services:
  db:
    image: \${REDIS_IMAGE:-redis:7}
    ports: ["6379"]
    ulimits: {nofile: {soft: 1024, hard: 2048}}
    cap_drop: [MKNOD]
    deploy: {replicas: 1, resources: {limits: {memory: 256m, pids: 128}}}
  sidecar:
    image: \${REDIS_IMAGE:-redis:7}
    entrypoint: ["/bin/sh", "-c", "exec sleep 600"]
    network_mode: service:db
    pull_policy: never
    healthcheck:
      test: ["CMD", "redis-cli", "-h", "127.0.0.1", "ping"]
  offline:
    image: \${REDIS_IMAGE:-redis:7}
    entrypoint: ["sleep", "600"]
    network_mode: none
`,
    });
    const branch = `${prefix}-keys`;
    const config = await devenv(dir, ['config', '--json', '--branch', branch]);
    expect(config.exitCode, config.stderr).toBe(0);
    // One replica is what devenv runs: nothing to warn about.
    expect(config.stderr).not.toContain('deploy.replicas');
    const services = (JSON.parse(config.stdout) as { services: Record<string, Record<string, unknown>> })
      .services;
    expect(services.db).toMatchObject({
      ulimits: { nofile: { soft: 1024, hard: 2048 } },
      cap_drop: ['MKNOD'],
      mem_limit: 268435456,
      pids_limit: 128,
      deploy: { replicas: 1 },
    });
    expect(services.sidecar).toMatchObject({
      network_mode: 'service:db',
      pull_policy: 'never',
      depends_on: { db: { condition: 'service_started', required: true, restart: true } },
    });

    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode, up.stderr).toBe(0);
    const { containers } = await resourcesWhere(`dev.devenv.branch=${branch}`);
    const inspect = async (service: string) => {
      const id = containers.find((c) => c.Labels['dev.devenv.service'] === service)?.Id ?? '';
      return { id, raw: await docker.getContainer(id).inspect() };
    };
    const [db, sidecar, offline] = await Promise.all(['db', 'sidecar', 'offline'].map(inspect));
    expect(db?.raw.HostConfig).toMatchObject({
      Memory: 268435456,
      PidsLimit: 128,
      CapDrop: ['MKNOD'],
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 2048 }],
    });
    // up -d returned, so the sidecar's healthcheck (redis-cli against 127.0.0.1, db's loopback) passed.
    expect(sidecar?.raw.HostConfig.NetworkMode).toBe(`container:${db?.id}`);
    expect(offline?.raw.HostConfig.NetworkMode).toBe('none');

    const env = JSON.parse((await devenv(dir, ['env', '--json', '--branch', branch])).stdout) as Record<
      string,
      string
    >;
    expect(env['SIDECAR_PORT']).toBe(env['DB_PORT']);
    const again = await devenv(dir, ['up', '-d', '--json', '--branch', branch]);
    const plan = again.stdout
      .split('\n')
      .map((line) =>
        line.startsWith('{') ? (JSON.parse(line) as { type: string; steps?: string[] }) : undefined,
      )
      .find((event) => event?.type === 'plan');
    expect(plan?.steps?.every((step) => step.includes('KeepService'))).toBe(true);
    expect((await devenv(dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
  });

  it('pull_policy never with a missing image is a clear error', async () => {
    const dir = await project({
      'compose.yaml': 'services:\n  app:\n    image: devenv-test/absent:0\n    pull_policy: never\n',
    });
    const up = await devenv(dir, ['up', '-d', '--branch', `${prefix}-never`]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain('devenv-test/absent:0');
    expect(up.stderr).toContain('pull_policy is "never"');
  });
});

describe('fixed host ports', () => {
  let blocker: Server | undefined;
  afterAll(() => blocker?.close());

  it('keeps the template port with --fixed-ports, and says clearly when it is taken', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    const dir = await project({
      'compose.yaml': `services:\n  cache:\n    image: \${REDIS_IMAGE:-redis:7}\n    ports: ["${taken}:6379"]\n`,
    });
    const branch = `${prefix}-fixed`;
    const up = await devenv(dir, ['up', '-d', '--fixed-ports', '--branch', branch]);
    expect(up.exitCode).toBe(1);
    expect(up.stderr).toContain(String(taken));
    expect(up.stderr).toMatch(/taken|in use|allocated/i);
    expect(up.stderr).toContain('What to do:');
    expect((await devenv(dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
    expect(countOf(await resourcesWhere(`dev.devenv.branch=${branch}`))).toBe(0);

    blocker.close();
    blocker = undefined;
    const free = await devenv(dir, ['up', '-d', '--fixed-ports', '--branch', branch]);
    expect(free.exitCode, free.stderr).toBe(0);
    const env = JSON.parse((await devenv(dir, ['env', '--json', '--branch', branch])).stdout) as Record<
      string,
      string
    >;
    expect(env['CACHE_PORT']).toBe(String(taken));
    expect((await devenv(dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
  });
});

describe('depends_on conditions', () => {
  it('runs a one-shot job to completion before the service that needs it, and gates on health', async () => {
    const dir = await project({
      'compose.yaml': `
services:
  db:
    image: \${REDIS_IMAGE:-redis:7}
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
  migrate:
    image: \${REDIS_IMAGE:-redis:7}
    entrypoint: ["/bin/sh", "-c", "redis-cli -h db set schema v2 && echo migrated"]
    depends_on:
      db:
        condition: service_healthy
  app:
    image: \${REDIS_IMAGE:-redis:7}
    entrypoint: ["/bin/sh", "-c", "test \\"$$(redis-cli -h db get schema)\\" = v2 && echo schema-ok && exec sleep 600"]
    depends_on:
      migrate:
        condition: service_completed_successfully
`,
    });
    const branch = `${prefix}-deps`;
    const up = await devenv(dir, ['up', '-d', '--json', '--branch', branch]);
    expect(up.exitCode, up.stdout).toBe(0);
    const events = up.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; service?: string });
    const order = events
      .filter((e) => e.type === 'service.ready' || e.type === 'container.started')
      .map((e) => `${e.type}:${e.service}`);
    expect(order.indexOf('service.ready:db')).toBeLessThan(order.indexOf('container.started:migrate'));
    expect(order.indexOf('service.ready:migrate')).toBeLessThan(order.indexOf('container.started:app'));
    const logs = await devenv(dir, ['logs', '--branch', branch]);
    expect(logs.stdout).toMatch(/^migrate\s+\| migrated$/m);
    expect(logs.stdout).toMatch(/^app\s+\| schema-ok$/m);
    expect((await devenv(dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
  });
});

describe('secrets', () => {
  it('masks values declared secret in devenv.yaml and secret-looking ones in every output', async () => {
    const dir = await project({
      'devenv.yaml': 'secrets: [SIGNING_SEED]\n',
      'compose.yaml': `services:
  worker:
    image: \${REDIS_IMAGE:-redis:7}
    environment:
      SIGNING_SEED: seed-7f3a9c1e
      DB_PASSWORD: pw-88d2e6b4
    entrypoint: ["/bin/sh", "-c", "echo using $$SIGNING_SEED and $$DB_PASSWORD; exec sleep 600"]
`,
    });
    const branch = `${prefix}-secrets`;
    const up = await devenv(dir, ['up', '-d', '--branch', branch]);
    expect(up.exitCode, up.stderr).toBe(0);
    const json = await devenv(dir, ['up', '-d', '--json', '--branch', branch]);
    const logs = await devenv(dir, ['logs', '--branch', branch]);
    expect(logs.stdout).toContain('worker | using **** and ****');
    for (const output of [up.stdout, up.stderr, json.stdout, logs.stdout]) {
      expect(output).not.toContain('seed-7f3a9c1e');
      expect(output).not.toContain('pw-88d2e6b4');
    }
    // `devenv env` masks them too; --show-secrets prints them in full, to export them.
    const env = await devenv(dir, ['env', '--json', '--branch', branch]);
    expect(JSON.parse(env.stdout)).toMatchObject({ SIGNING_SEED: '****' });
    const shown = await devenv(dir, ['env', '--json', '--show-secrets', '--branch', branch]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ SIGNING_SEED: 'seed-7f3a9c1e' });
    expect((await devenv(dir, ['down', '-v', '--branch', branch])).exitCode).toBe(0);
  });
});
