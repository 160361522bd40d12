/**
 * The compose keys devenv carries out, end to end below the CLI: a compose
 * snippet resolved and planned as `up` does, created on the real engine, and
 * the engine's HostConfig inspected; a `network_mode: service:db` sidecar
 * really shares db's network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveCompose } from '../../../src/core/compose/load-compose.js';
import type { ComposeProject } from '../../../src/core/compose/model.js';
import { networkEngineName, planContainer } from '../../../src/core/plan/container-request.js';
import { DEFAULT_PORT_POLICY } from '../../../src/core/plan/port-plan.js';
import { readinessCheck } from '../../../src/core/plan/readiness.js';
import { BASE_IMAGE, startTestRun, waitFor, type TestRun } from './test-run.js';

const REDIS_IMAGE = 'devenv-test/redis:7';

const compose = `
services:
  db:
    image: ${REDIS_IMAGE}
    ports: ["6379"]
  app:
    image: ${BASE_IMAGE}
    command: [sleep, infinity]
    platform: linux/amd64
    ulimits:
      nofile: {soft: 1024, hard: 2048}
      nproc: 512
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    sysctls:
      net.core.somaxconn: 1024
    shm_size: 32m
    devices: ["/dev/null:/dev/devnull:rw"]
    security_opt: ["no-new-privileges:true"]
    tmpfs: ["/run/scratch:size=1m,mode=1777"]
    mem_reservation: 32m
    memswap_limit: 256m
    cpu_shares: 512
    cpuset: "0"
    oom_score_adj: 100
    read_only: true
    group_add: [audio]
    dns_opt: [ndots:2]
    domainname: example.test
    logging:
      driver: json-file
      options: {max-size: 1m, max-file: 2}
    deploy:
      resources:
        limits: {cpus: "0.5", memory: 128m, pids: 64}
  sidecar:
    image: ${BASE_IMAGE}
    command: [sleep, infinity]
    network_mode: service:db
    ipc: shareable
  worker:
    image: ${BASE_IMAGE}
    command: [sleep, infinity]
    restart: always
    deploy:
      replicas: 3
      restart_policy: {condition: on-failure, max_attempts: 4, delay: 2s}
      resources:
        limits: {memory: 96m, cpus: "0.25"}
        reservations: {cpus: "0.1", memory: 48m}
  plain:
    image: ${BASE_IMAGE}
    command: [sleep, infinity]
    restart: unless-stopped
    mem_limit: 80m
`;

let run: TestRun;
let project: ComposeProject;
let warnings: string[];

beforeAll(async () => {
  run = await startTestRun('runtime-options');
  const resolved = resolveCompose({
    files: [{ path: '/project/compose.yaml', text: compose }],
    workingDir: '/project',
    environment: {},
    readEnvFile: () => undefined,
    activeProfiles: [],
    readComposeFile: () => undefined,
  });
  project = resolved.project;
  warnings = resolved.warnings.map((warning) => warning.message);
  await run.engine.createNetwork(networkEngineName(project, run.stack, 'default'), run.labels);
});
afterAll(async () => {
  await run?.cleanup();
});

/** Creates and starts a service's container as `up` plans it. */
async function upService(name: string): Promise<{ id: string; plan: ReturnType<typeof planContainer> }> {
  const service = project.services[name]!;
  const plan = planContainer({
    stack: run.stack,
    project,
    service,
    image: service.image!,
    imageVolumes: [],
    stackLabels: {
      selectors: { 'dev.devenv.stack': run.stack },
      annotations: { 'dev.devenv.test-run': run.id },
    },
    ports: DEFAULT_PORT_POLICY,
  });
  const id = await run.engine.createContainer(plan.request);
  await run.engine.startContainer(id);
  return { id, plan };
}

describe('runtime options on the real engine', () => {
  it('applies resources, ulimits, capabilities, sysctls, tmpfs, security and logging as HostConfig', async () => {
    const { id } = await upService('app');
    const raw = await run.docker.getContainer(id).inspect();
    const host = raw.HostConfig as typeof raw.HostConfig & Record<string, unknown>;
    expect(host.Ulimits).toEqual(
      expect.arrayContaining([
        { Name: 'nofile', Soft: 1024, Hard: 2048 },
        { Name: 'nproc', Soft: 512, Hard: 512 },
      ]),
    );
    expect(host.CapAdd).toEqual(['NET_ADMIN']);
    expect(host.CapDrop).toEqual(['MKNOD']);
    expect(host.Sysctls).toEqual({ 'net.core.somaxconn': '1024' });
    expect(host.ShmSize).toBe(32 * 1024 ** 2);
    expect(host.Devices).toEqual([
      { PathOnHost: '/dev/null', PathInContainer: '/dev/devnull', CgroupPermissions: 'rw' },
    ]);
    expect(host.SecurityOpt).toEqual(['no-new-privileges:true']);
    expect(host.Tmpfs).toEqual({ '/run/scratch': 'size=1m,mode=1777' });
    expect(host.Memory).toBe(128 * 1024 ** 2);
    expect(host.MemoryReservation).toBe(32 * 1024 ** 2);
    expect(host.MemorySwap).toBe(256 * 1024 ** 2);
    expect(host.NanoCpus).toBe(500_000_000);
    expect(host.CpuShares).toBe(512);
    expect(host.CpusetCpus).toBe('0');
    expect(host.PidsLimit).toBe(64);
    expect(host.OomScoreAdj).toBe(100);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.GroupAdd).toEqual(['audio']);
    expect(host.DnsOptions).toEqual(['ndots:2']);
    expect(host.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } });
    expect(raw.Config.Domainname).toBe('example.test');

    // What the container's processes see (exec'd ones get the engine's own rlimits, so PID 1's are read).
    const inside = await run.engine.exec(id, [
      'sh',
      '-c',
      'awk "/Max open files/ {print \\$4, \\$5}" /proc/1/limits; cat /proc/sys/net/core/somaxconn; grep " /run/scratch " /proc/mounts | cut -d" " -f3; ls /dev/devnull; touch /rootfs-write 2>/dev/null && echo writable || echo read-only',
    ]);
    expect(inside).toEqual({
      exitCode: 0,
      output: '1024 2048\n1024\ntmpfs\n/dev/devnull\nread-only\n',
    });
  });

  it("runs network_mode service:db in db's network namespace", async () => {
    const db = await upService('db');
    const sidecar = await upService('sidecar');
    expect(project.services.sidecar?.dependsOn).toEqual({
      db: { condition: 'service_started', required: true, restart: true },
    });
    expect(sidecar.plan.request.networks).toEqual([]);
    expect(sidecar.plan.request.ports).toEqual([]);
    // No own port to probe: readiness is "running" (or a healthcheck, run inside by exec).
    expect(readinessCheck(sidecar.plan.request, undefined, BASE_IMAGE)).toEqual({ kind: 'running' });

    const raw = await run.docker.getContainer(sidecar.id).inspect();
    // devenv names db's container; the engine stores the id it resolved at create.
    expect(sidecar.plan.request.networkMode).toBe(`container:${run.stack}-db-1`);
    expect(raw.HostConfig.NetworkMode).toBe(`container:${db.id}`);
    expect(raw.HostConfig.IpcMode).toBe('shareable');
    expect(Object.keys(raw.NetworkSettings.Networks ?? {})).toEqual([]);

    // db's redis listens on db's loopback, which is the sidecar's loopback too.
    const pong = await waitFor('redis PONG from the sidecar', async () => {
      const result = await run.engine.exec(sidecar.id, ['redis-cli', '-h', '127.0.0.1', 'ping']);
      return result.exitCode === 0 && result.output.trim() === 'PONG' ? result.output.trim() : undefined;
    });
    expect(pong).toBe('PONG');
    const hostnames = await Promise.all(
      [db.id, sidecar.id].map((id) => run.engine.exec(id, ['cat', '/etc/hostname'])),
    );
    expect(hostnames[1]?.output).toBe(hostnames[0]?.output);
  });

  it('applies restart (deploy.restart_policy winning, as in compose) and memory and CPU limits to the container', async () => {
    const worker = await upService('worker');
    const plain = await upService('plain');
    const [workerHost, plainHost] = await Promise.all(
      [worker.id, plain.id].map(async (id) => (await run.docker.getContainer(id).inspect()).HostConfig),
    );
    expect({
      restart: workerHost?.RestartPolicy,
      memory: workerHost?.Memory,
      reservation: workerHost?.MemoryReservation,
      nanoCpus: workerHost?.NanoCpus,
    }).toEqual({
      restart: { Name: 'on-failure', MaximumRetryCount: 4 },
      memory: 96 * 1024 ** 2,
      reservation: 48 * 1024 ** 2,
      nanoCpus: 250_000_000,
    });
    expect({ restart: plainHost?.RestartPolicy, memory: plainHost?.Memory }).toEqual({
      restart: { Name: 'unless-stopped', MaximumRetryCount: 0 },
      memory: 80 * 1024 ** 2,
    });
    // The template's author is told what a single engine does not do.
    expect(warnings).toEqual(
      expect.arrayContaining([
        'services.worker.deploy.replicas is 3, but devenv runs one container per service: it starts 1 where docker compose would start 3 (devenv diff still compares the count)',
        'services.worker.restart "always" is overridden by deploy.restart_policy ("on-failure:4"), as in docker compose',
        'services.worker.deploy.restart_policy.delay is ignored: a Swarm restart timing, the engine restarts with its own back-off',
      ]),
    );
  });
});
