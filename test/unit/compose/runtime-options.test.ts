/**
 * The compose keys devenv carries out on a single engine: resources, ulimits,
 * capabilities, sysctls, devices, security, DNS, namespaces, logging,
 * pull_policy, platform and network_mode; both syntaxes, bad values located.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../src/core/compose/model.js';
import { renderComposeConfig } from '../../../src/core/compose/render-config.js';
import { errorOf, resolveText } from './resolve-text.js';

function app(body: string, others = ''): ServiceSpec {
  const text = `services:\n  app:\n${indent(body)}\n${others}`;
  const spec = resolveText(text).project.services.app;
  if (!spec) throw new Error('no app service');
  return spec;
}

function indent(body: string): string {
  return body
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

/** The error's message for an app service body (line 3 is the body's first line). */
function problem(body: string, others = ''): string {
  const error = errorOf(() => app(body, others));
  expect(error.code).toMatch(/^COMPOSE_/);
  return error.message;
}

describe('runtime options', () => {
  it('reads every key in its short syntax', () => {
    const spec = app(
      [
        'image: x',
        'ulimits: {nproc: 65535, nofile: {soft: 1024, hard: 4096}}',
        'cap_add: [NET_ADMIN, SYS_PTRACE]',
        'cap_drop: [MKNOD]',
        'sysctls: [net.core.somaxconn=1024, "net.ipv4.tcp_syncookies=0"]',
        'shm_size: 64m',
        'runtime: runc',
        'devices: ["/dev/null:/dev/devnull:rw", /dev/zero, "/dev/full:r"]',
        'security_opt: ["no-new-privileges:true"]',
        'mem_limit: 512m',
        'mem_reservation: 128MiB',
        'memswap_limit: -1',
        'cpus: "1.5"',
        'cpu_shares: 512',
        'cpuset: "0"',
        'pids_limit: 100',
        'oom_score_adj: -500',
        'privileged: false',
        'read_only: true',
        'group_add: [audio, 1001]',
        'dns: 10.0.0.2',
        'dns_search: [example.test]',
        'dns_opt: [ndots:2]',
        'ipc: shareable',
        'pid: host',
        'userns_mode: host',
        'domainname: example.test',
        'mac_address: "02:42:ac:11:00:99"',
        'logging: {driver: json-file, options: {max-size: 10m, max-file: 3}}',
        'storage_opt: {size: 1G}',
      ].join('\n'),
    );
    expect(spec.runtimeOptions).toEqual({
      ulimits: { nproc: { soft: 65535, hard: 65535 }, nofile: { soft: 1024, hard: 4096 } },
      capAdd: ['NET_ADMIN', 'SYS_PTRACE'],
      capDrop: ['MKNOD'],
      sysctls: { 'net.core.somaxconn': '1024', 'net.ipv4.tcp_syncookies': '0' },
      shmSizeBytes: 64 * 1024 ** 2,
      runtime: 'runc',
      devices: [
        { source: '/dev/null', target: '/dev/devnull', permissions: 'rw' },
        { source: '/dev/zero', target: '/dev/zero', permissions: 'rwm' },
        { source: '/dev/full', target: '/dev/full', permissions: 'r' },
      ],
      securityOpt: ['no-new-privileges:true'],
      memLimitBytes: 512 * 1024 ** 2,
      memReservationBytes: 128 * 1024 ** 2,
      memswapLimitBytes: -1,
      cpus: 1.5,
      cpuShares: 512,
      cpuset: '0',
      pidsLimit: 100,
      oomScoreAdj: -500,
      privileged: false,
      readOnly: true,
      groupAdd: ['audio', '1001'],
      dns: ['10.0.0.2'],
      dnsSearch: ['example.test'],
      dnsOpt: ['ndots:2'],
      ipc: 'shareable',
      pid: 'host',
      usernsMode: 'host',
      domainname: 'example.test',
      macAddress: '02:42:ac:11:00:99',
      logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } },
      storageOpt: { size: '1G' },
    });
  });

  it('reads sysctls as a mapping and interpolated ulimits as numbers', () => {
    const text =
      'services:\n  app:\n    image: x\n    sysctls:\n      net.core.somaxconn: 1024\n    ulimits:\n      nofile: ${NOFILE:-2048}\n';
    expect(resolveText(text).project.services.app?.runtimeOptions).toEqual({
      sysctls: { 'net.core.somaxconn': '1024' },
      ulimits: { nofile: { soft: 2048, hard: 2048 } },
    });
  });

  it('sets nothing for a service without these keys', () => {
    const spec = app('image: x');
    expect(spec.runtimeOptions).toBeUndefined();
    expect(spec.networkMode).toBeUndefined();
    expect(spec.pullPolicy).toBeUndefined();
  });

  it('names the key of a bad value with its line', () => {
    expect(problem('image: x\nulimits:\n  nofile: {soft: 4096, hard: 1024}')).toBe(
      'compose.yaml:5 services.app.ulimits.nofile: the soft limit 4096 is above the hard limit 1024',
    );
    expect(problem('image: x\nulimits:\n  openfiles: 10')).toMatch(
      /^compose\.yaml:5 services\.app\.ulimits\.openfiles: unknown ulimit "openfiles"/,
    );
    expect(problem('image: x\nmem_limit: lots')).toBe(
      'compose.yaml:4 services.app.mem_limit: invalid size "lots": use bytes or a number with a unit, e.g. "512m" or "2g"',
    );
    expect(problem('image: x\nshm_size: 12q')).toMatch(/^compose\.yaml:4 services\.app\.shm_size: invalid size "12q"/);
    expect(problem('image: x\ncpus: many')).toMatch(/^compose\.yaml:4 services\.app\.cpus: invalid cpus "many"/);
    expect(problem('image: x\npids_limit: "ten"')).toMatch(
      /^compose\.yaml:4 services\.app\.pids_limit: invalid value "ten": expected a whole number/,
    );
    expect(problem('image: x\nsysctls: [net.core.somaxconn]')).toBe(
      'compose.yaml:4 services.app.sysctls["net.core.somaxconn"]: sysctl "net.core.somaxconn" needs a value',
    );
    expect(problem('image: x\ndevices: ["dev/null"]')).toMatch(
      /^compose\.yaml:4 services\.app\.devices\[0\]: invalid device "dev\/null"/,
    );
    expect(problem('image: x\ntmpfs: ["/run:size=lots"]')).toMatch(
      /^compose\.yaml:4 services\.app\.tmpfs\[0\]: invalid tmpfs size/,
    );
  });
});

describe('deploy.resources', () => {
  const deploy = [
    'image: x',
    'deploy:',
    '  replicas: 2',
    '  placement: {constraints: [node.role==manager]}',
    '  resources:',
    '    limits: {cpus: "0.5", memory: 256M, pids: 50}',
    '    reservations: {cpus: "0.25", memory: 64M}',
  ].join('\n');

  it('applies limits and the memory reservation, and names each ignored sub-key', () => {
    const { project, warnings } = resolveText(`services:\n  app:\n${indent(deploy)}\n`);
    expect(project.services.app?.runtimeOptions).toEqual({
      cpus: 0.5,
      memLimitBytes: 256 * 1024 ** 2,
      pidsLimit: 50,
      memReservationBytes: 64 * 1024 ** 2,
      cpuReservation: 0.25,
    });
    expect(warnings.map((w) => `${w.line}: ${w.message}`)).toEqual([
      '5: services.app.deploy.replicas is 2, but devenv runs one container per service: it starts 1 where docker compose would start 2 (devenv diff still compares the count)',
      '6: services.app.deploy.placement is a Swarm setting; devenv runs one container per service and ignores it',
      '9: services.app.deploy.resources.reservations.cpus is ignored: a CPU reservation is a Swarm scheduling guarantee with no equivalent on a single engine (use cpu_shares to weight CPU time)',
    ]);
  });

  it('accepts the top-level key and its deploy twin when they agree, and refuses distinct values', () => {
    expect(app(`mem_limit: 256m\ncpus: 0.5\n${deploy}`).runtimeOptions?.memLimitBytes).toBe(256 * 1024 ** 2);
    expect(problem(`mem_limit: 1g\n${deploy}`)).toBe(
      "compose.yaml:3 services.app.mem_limit: can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory' (1073741824 vs 268435456); keep one of them",
    );
    expect(problem(`pids_limit: 10\n${deploy}`)).toMatch(
      /^compose\.yaml:3 services\.app\.pids_limit: can't set distinct values on 'pids_limit' and 'deploy\.resources\.limits\.pids'/,
    );
  });

  it('names a bad limit', () => {
    expect(problem('image: x\ndeploy:\n  resources:\n    limits: {memory: huge}')).toMatch(
      /^compose\.yaml:6 services\.app\.deploy\.resources\.limits\.memory: invalid size "huge"/,
    );
  });
});

describe('pull_policy and platform', () => {
  it('reads every policy', () => {
    expect(app('image: x\npull_policy: always').pullPolicy).toEqual({ policy: 'always' });
    expect(app('image: x\npull_policy: if_not_present').pullPolicy).toEqual({ policy: 'missing' });
    expect(app('image: x\npull_policy: never').pullPolicy).toEqual({ policy: 'never' });
    expect(app('image: x\nbuild: .\npull_policy: build').pullPolicy).toEqual({ policy: 'build' });
    expect(app('image: x\npull_policy: daily').pullPolicy).toEqual({
      policy: 'refresh',
      written: 'daily',
      everyMs: 86_400_000,
    });
    expect(app('image: x\npull_policy: weekly').pullPolicy).toMatchObject({ everyMs: 7 * 86_400_000 });
    expect(app('image: x\npull_policy: every_12h').pullPolicy).toMatchObject({ everyMs: 12 * 3_600_000 });
    expect(app('image: x\npull_policy: every_2d30m').pullPolicy).toMatchObject({
      everyMs: 2 * 86_400_000 + 30 * 60_000,
    });
  });

  it('refuses an unknown policy, build without a build section and a malformed platform', () => {
    expect(problem('image: x\npull_policy: sometimes')).toMatch(
      /^compose\.yaml:4 services\.app\.pull_policy: invalid pull_policy "sometimes"/,
    );
    expect(problem('image: x\npull_policy: every_fortnight')).toMatch(/invalid pull_policy "every_fortnight"/);
    expect(problem('image: x\npull_policy: build')).toBe(
      'compose.yaml:4 services.app.pull_policy: pull_policy "build" needs a build section',
    );
    expect(problem('image: x\nplatform: amd64')).toMatch(/^compose\.yaml:4 services\.app\.platform: invalid platform/);
    expect(app('image: x\nplatform: linux/arm64/v8').platform).toBe('linux/arm64/v8');
  });
});

describe('network_mode', () => {
  const db = '  db:\n    image: redis\n    ports: ["6379"]\n';

  it('service:NAME joins no network and depends on NAME, which starts first', () => {
    const spec = app('image: x\nnetwork_mode: service:db', db);
    expect(spec.networkMode).toBe('service:db');
    expect(spec.networks).toEqual({});
    expect(spec.dependsOn).toEqual({ db: { condition: 'service_started', required: true, restart: true } });
    // An explicit dependency keeps its own condition.
    const explicit = app('image: x\nnetwork_mode: service:db\ndepends_on: {db: {condition: service_healthy}}', db);
    expect(explicit.dependsOn.db?.condition).toBe('service_healthy');
  });

  it('takes host, none, bridge and container:NAME as written', () => {
    for (const mode of ['host', 'none', 'bridge', 'container:other-stack-db-1']) {
      const spec = app(`image: x\nnetwork_mode: "${mode}"`);
      expect(spec.networkMode).toBe(mode);
      expect(spec.networks).toEqual({});
      expect(spec.dependsOn).toEqual({});
    }
  });

  it('warns that host and none publish no ports', () => {
    const { warnings } = resolveText('services:\n  app:\n    image: x\n    network_mode: host\n    ports: ["8080:80"]\n');
    expect(warnings.map((w) => `${w.line}: ${w.message}`)).toEqual([
      '5: services.app.ports are not published with network_mode "host": the service listens on the host\'s own ports (devenv probes and reports those)',
    ]);
  });

  it('refuses what cannot go with it, at the key', () => {
    expect(problem('image: x\nnetwork_mode: service:db\nnetworks: [default]', db)).toMatch(
      /^compose\.yaml:5 services\.app\.networks: "networks" and "network_mode" are mutually exclusive/,
    );
    expect(problem('image: x\nnetwork_mode: service:db\nports: ["80"]', db)).toMatch(
      /^compose\.yaml:5 services\.app\.ports: a service with network_mode "service:db" shares that container's network and cannot have ports/,
    );
    expect(problem('image: x\nnetwork_mode: service:nope')).toBe(
      'compose.yaml:4 services.app.network_mode: network_mode "service:nope" refers to undefined service "nope"',
    );
    expect(problem('image: x\nnetwork_mode: mynet')).toMatch(
      /^compose\.yaml:4 services\.app\.network_mode: invalid network_mode "mynet"/,
    );
    expect(errorOf(() => app('image: x\nnetwork_mode: service:app')).code).toBe('COMPOSE_CYCLE');
  });

  it('ipc and pid service:NAME depend on NAME too', () => {
    expect(app('image: x\nipc: service:db\npid: service:db', db).dependsOn).toEqual({
      db: { condition: 'service_started', required: true, restart: true },
    });
  });
});

describe('devenv config', () => {
  it('renders the keys resolved, in long syntax', () => {
    const { project } = resolveText(
      [
        'services:',
        '  app:',
        '    image: x',
        '    network_mode: service:db',
        '    pull_policy: if_not_present',
        '    platform: linux/amd64',
        '    tmpfs: /run:size=1m',
        '    ulimits: {nofile: 1024}',
        '    cap_add: [NET_ADMIN]',
        '    deploy: {resources: {limits: {memory: 64m, cpus: 0.5}}}',
        '    logging: {driver: local}',
        '  db:',
        '    image: redis',
      ].join('\n'),
    );
    const app = (renderComposeConfig(project).services as Record<string, Record<string, unknown>>).app;
    expect(app).toEqual({
      image: 'x',
      depends_on: { db: { condition: 'service_started', required: true, restart: true } },
      network_mode: 'service:db',
      pull_policy: 'missing',
      platform: 'linux/amd64',
      tmpfs: ['/run:size=1m'],
      ulimits: { nofile: { soft: 1024, hard: 1024 } },
      cap_add: ['NET_ADMIN'],
      mem_limit: 64 * 1024 ** 2,
      cpus: 0.5,
      logging: { driver: 'local' },
    });
  });
});
