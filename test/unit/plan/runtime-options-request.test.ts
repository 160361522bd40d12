/**
 * From the compose keys devenv now carries out to the container request:
 * runtime options, tmpfs, platform, network_mode (and what it does to ports,
 * networks, readiness, the host environment and the plan), and the config hash.
 */
import { observedContainer } from '../../../src/core/stack/label-facts.js';
import { describe, expect, it } from 'vitest';
import type { PublishedPort } from '../../../src/contracts/engine.js';
import type { ComposeProject, ServiceSpec } from '../../../src/core/compose/model.js';
import { hostEnvironment } from '../../../src/core/env/host-env.js';
import { namespaceProviders, planContainer } from '../../../src/core/plan/container-request.js';
import { DEFAULT_PORT_POLICY } from '../../../src/core/plan/port-plan.js';
import { readinessCheck } from '../../../src/core/plan/readiness.js';
import { planText, reconcile } from '../../../src/core/plan/reconcile.js';
import { configHash } from '../../../src/core/stack/config-hash.js';
import type { ContainerStatus } from '../../../src/contracts/engine.js';
import { serviceSpec } from '../../support/service-spec.js';

function service(name: string, extra: Partial<ServiceSpec> = {}): ServiceSpec {
  return serviceSpec(name, { image: 'devenv-test/redis:7', ...extra });
}

function projectOf(...services: ServiceSpec[]): ComposeProject {
  return {
    name: 'p',
    workingDir: '/p',
    files: ['/p/compose.yaml'],
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    networks: { default: { external: false, internal: false, labels: {} } },
    volumes: {},
    secrets: {},
    configs: {},
    extensions: {},
  };
}

function plan(spec: ServiceSpec, ...others: ServiceSpec[]) {
  return planContainer({
    stack: 's1',
    project: projectOf(spec, ...others),
    service: spec,
    image: spec.image ?? 'x',
    imageVolumes: [],
    stackLabels: { selectors: { 'dev.devenv.stack': 's1' }, annotations: {} },
    ports: DEFAULT_PORT_POLICY,
  });
}

const db = service('db', { ports: [{ target: 6379, protocol: 'tcp' }] });

describe('runtime options in the container request', () => {
  it('carries every option in devenv words, service:NAME namespaces as that container', () => {
    const { request } = plan(
      service('app', {
        platform: 'linux/amd64',
        tmpfs: [{ target: '/run', options: 'size=1m,mode=1777' }, { target: '/cache' }],
        runtimeOptions: {
          ulimits: { nofile: { soft: 1024, hard: 2048 } },
          capAdd: ['NET_ADMIN'],
          capDrop: ['MKNOD'],
          sysctls: { 'net.core.somaxconn': '1024' },
          shmSizeBytes: 67108864,
          runtime: 'runc',
          devices: [{ source: '/dev/null', target: '/dev/devnull', permissions: 'rw' }],
          securityOpt: ['no-new-privileges:true'],
          memLimitBytes: 268435456,
          memReservationBytes: 67108864,
          memswapLimitBytes: -1,
          cpus: 0.5,
          cpuShares: 512,
          cpuset: '0',
          pidsLimit: 64,
          oomScoreAdj: 100,
          privileged: false,
          readOnly: true,
          groupAdd: ['audio'],
          dns: ['10.0.0.2'],
          dnsSearch: ['example.test'],
          dnsOpt: ['ndots:2'],
          ipc: 'service:db',
          pid: 'host',
          usernsMode: 'host',
          domainname: 'example.test',
          macAddress: '02:42:ac:11:00:99',
          logging: { driver: 'json-file', options: { 'max-size': '1m' } },
          storageOpt: { size: '1G' },
        },
      }),
      db,
    );
    expect(request).toMatchObject({
      platform: 'linux/amd64',
      tmpfs: { '/run': 'size=1m,mode=1777', '/cache': '' },
      ulimits: [{ name: 'nofile', soft: 1024, hard: 2048 }],
      capAdd: ['NET_ADMIN'],
      capDrop: ['MKNOD'],
      sysctls: { 'net.core.somaxconn': '1024' },
      shmSizeBytes: 67108864,
      runtime: 'runc',
      devices: [{ hostPath: '/dev/null', containerPath: '/dev/devnull', permissions: 'rw' }],
      securityOpt: ['no-new-privileges:true'],
      resources: {
        memoryBytes: 268435456,
        memoryReservationBytes: 67108864,
        memorySwapBytes: -1,
        cpus: 0.5,
        cpuShares: 512,
        cpuset: '0',
        pidsLimit: 64,
      },
      oomScoreAdj: 100,
      privileged: false,
      readOnlyRootfs: true,
      groupAdd: ['audio'],
      dns: ['10.0.0.2'],
      dnsSearch: ['example.test'],
      dnsOptions: ['ndots:2'],
      ipcMode: 'container:s1-db-1',
      pidMode: 'host',
      usernsMode: 'host',
      domainname: 'example.test',
      macAddress: '02:42:ac:11:00:99',
      logging: { driver: 'json-file', options: { 'max-size': '1m' } },
      storageOpt: { size: '1G' },
    });
    expect(request.networkMode).toBeUndefined();
  });

  it('adds no field for a service without these keys (existing stacks keep their config hash)', () => {
    const { request } = plan(service('app'));
    for (const key of ['platform', 'networkMode', 'tmpfs', 'ulimits', 'resources', 'logging', 'capAdd']) {
      expect(request).not.toHaveProperty(key);
    }
  });

  it('changes the config hash when one of them changes', () => {
    const hash = (extra: Partial<ServiceSpec>) => configHash(plan(service('app', extra)).request, 'sha256:1');
    const plain = hash({});
    const limited = hash({ runtimeOptions: { memLimitBytes: 1024 ** 3 } });
    expect(limited).not.toBe(plain);
    expect(hash({ runtimeOptions: { memLimitBytes: 2 * 1024 ** 3 } })).not.toBe(limited);
    expect(hash({ runtimeOptions: { ulimits: { nofile: { soft: 1, hard: 2 } } } })).not.toBe(plain);
    expect(hash({ tmpfs: [{ target: '/run' }] })).not.toBe(plain);
    expect(hash({ networkMode: 'host', networks: {} })).not.toBe(plain);
    expect(hash({ platform: 'linux/amd64' })).not.toBe(plain);
  });
});

describe('network_mode in the container request', () => {
  it('service:NAME joins that container: no networks, no ports', () => {
    const sidecar = service('sidecar', { networkMode: 'service:db', networks: {} });
    const { request } = plan(sidecar, db);
    expect(request.networkMode).toBe('container:s1-db-1');
    expect(request.networks).toEqual([]);
    expect(request.ports).toEqual([]);
    expect(namespaceProviders(sidecar)).toEqual(['db']);
    // No port of its own to probe from outside: redis-cli in the container, on the shared loopback.
    expect(readinessCheck(request, undefined, 'devenv-test/redis:7')).toMatchObject({
      kind: 'exec',
      command: ['redis-cli', '-p', '6379', 'ping'],
    });
    expect(readinessCheck(request, undefined, 'my/worker')).toEqual({ kind: 'running' });
  });

  it("host publishes nothing; its ports are the host's own, probed there", () => {
    const onHost = service('cache', {
      networkMode: 'host',
      networks: {},
      ports: [{ target: 6379, published: '6379', protocol: 'tcp' }],
    });
    const { request } = plan(onHost);
    expect(request.networkMode).toBe('host');
    expect(request.ports).toEqual([]);
    expect(request.networks).toEqual([]);
    expect(request.expose).toEqual(['6379/tcp']);
    expect(readinessCheck(request, undefined, 'devenv-test/redis:7')).toEqual({
      kind: 'redis',
      containerPort: 6379,
      hostNetwork: true,
    });
  });

  it('none and container:NAME pass through; bridge still publishes', () => {
    expect(plan(service('a', { networkMode: 'none', networks: {}, ports: db.ports })).request).toMatchObject({
      networkMode: 'none',
      ports: [],
      networks: [],
    });
    expect(plan(service('a', { networkMode: 'container:other', networks: {} })).request.networkMode).toBe(
      'container:other',
    );
    const bridged = plan(service('a', { networkMode: 'bridge', networks: {}, ports: db.ports })).request;
    expect(bridged.networkMode).toBe('bridge');
    expect(bridged.ports).toEqual([{ containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1' }]);
  });
});

describe('network_mode beyond the request', () => {
  const published: PublishedPort[] = [
    { containerPort: 6379, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 49200 },
  ];

  it('devenv env: a sidecar is reached through its provider, a host-network service on its own ports', () => {
    const sidecar = service('sidecar', {
      networkMode: 'service:db',
      networks: {},
      dependsOn: { db: { condition: 'service_started', required: true, restart: true } },
      environment: { SIDECAR_URL: 'redis://sidecar:6379' },
    });
    const onHost = service('hostcache', {
      networkMode: 'host',
      networks: {},
      ports: [{ target: 7000, protocol: 'tcp' }],
      environment: { CACHE_ADDR: 'hostcache:7000' },
    });
    const quiet = service('quiet', { networkMode: 'none', networks: {} });
    const env = hostEnvironment({
      project: projectOf(db, sidecar, onHost, quiet),
      publishedHost: '127.0.0.1',
      published: { db: published, sidecar: [], hostcache: [], quiet: [] },
      extra: {},
    });
    expect(env).toMatchObject({
      SIDECAR_URL: 'redis://127.0.0.1:49200',
      SIDECAR_PORT: '49200',
      CACHE_ADDR: '127.0.0.1:7000',
      HOSTCACHE_PORT: '7000',
    });
    expect(Object.keys(env).filter((key) => key.startsWith('QUIET'))).toEqual([]);
  });

  it('a sidecar is recreated when the container whose network it shares is new or started again', () => {
    const container = (name: string, hash: string, state: ContainerStatus['state'] = 'running') =>
      observedContainer({
        id: `id-${name}`,
        name: `s-${name}-1`,
        image: 'img',
        labels: { 'dev.devenv.service': name, 'dev.devenv.config-hash': hash },
        state,
        health: 'none',
        healthLog: [],
        ports: [],
        createdAt: '',
        restartCount: 0,
      });
    const desired = {
      services: [
        { name: 'db', configHash: 'db-2' },
        { name: 'probe', configHash: 'p', joins: ['sidecar'] },
        { name: 'sidecar', configHash: 's', joins: ['db'] },
      ],
      networks: [],
      volumes: [],
    };
    const observed = (dbState: ContainerStatus['state'], dbHash: string) => ({
      containers: [container('db', dbHash, dbState), container('probe', 'p'), container('sidecar', 's')],
      networks: [],
      volumes: [],
    });
    expect(planText(reconcile(desired, observed('running', 'db-1')))).toEqual([
      'service:db RecreateService s-db-1 (config changed (db-1 -> db-2))',
      'service:probe RecreateService s-probe-1 (it shares the namespace of sidecar, which is new)',
      'service:sidecar RecreateService s-sidecar-1 (it shares the namespace of db, which is new)',
    ]);
    expect(planText(reconcile(desired, observed('exited', 'db-2')))[2]).toBe(
      'service:sidecar RecreateService s-sidecar-1 (it shares the namespace of db, which is started again)',
    );
    expect(planText(reconcile(desired, observed('running', 'db-2')))).toEqual([
      'service:db KeepService s-db-1 (config unchanged, running)',
      'service:probe KeepService s-probe-1 (config unchanged, running)',
      'service:sidecar KeepService s-sidecar-1 (config unchanged, running)',
    ]);
  });
});
