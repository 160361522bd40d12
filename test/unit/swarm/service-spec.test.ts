/** A stack service's container request and deploy settings as a swarm service spec (pure). */
import { describe, expect, it } from 'vitest';
import { fileObject, swarmServiceSpec } from '../../../src/adapters/swarm-stack/service-spec.js';
import { deployRequest } from '../../../src/core/plan/container-request.js';
import { swarmEngine, swarmNodeEndpoints } from '../../../src/core/swarm/swarm-selection.js';
import { engineProblem } from '../../../src/core/config/engine-address.js';
import { containerRequest } from '../../support/container-request.js';

const labels = {
  'dev.devenv.stack': 'shop-main',
  'dev.devenv.service': 'db',
  'dev.devenv.config-hash': 'abc',
};

describe('swarm service spec', () => {
  it('maps deploy: replicas, constraints, spread, endpoint mode; host-mode ports; restart; resources', () => {
    const request = containerRequest({
      name: 'shop-main-db-1',
      image: 'devenv-test/postgres:15',
      labels,
      ports: [
        { containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1' },
        { containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: '18080' },
      ],
      restartPolicy: 'on-failure',
      restartMaxRetries: 3,
      resources: { cpus: 0.5, memoryBytes: 256 * 1024 * 1024, memoryReservationBytes: 64 * 1024 * 1024 },
      command: ['postgres', '-c', 'fsync=off'],
      deploy: deployRequest({
        replicas: 2,
        placement: { constraints: ['node.labels.devenv.test.node==w1'], spreadOver: ['node.labels.zone'] },
      }),
    });
    const spec = swarmServiceSpec(request, []);
    expect(spec).toMatchObject({
      name: 'shop-main-db-1',
      labels,
      containerLabels: labels,
      replicas: 2,
      constraints: ['node.labels.devenv.test.node==w1'],
      spreadOver: ['node.labels.zone'],
      endpointMode: 'dnsrr',
      restart: { condition: 'on-failure', maxAttempts: 3 },
      limits: { nanoCpus: 500_000_000, memoryBytes: 256 * 1024 * 1024 },
      reservations: { memoryBytes: 64 * 1024 * 1024 },
      args: ['postgres', '-c', 'fsync=off'],
      ports: [
        { containerPort: 5432, protocol: 'tcp' },
        { containerPort: 8080, protocol: 'tcp', publishedPort: 18080 },
      ],
    });
    expect(spec.command).toBeUndefined();
  });

  it('defaults: one replica, dnsrr, restart none for "no", vip only when asked', () => {
    const plain = swarmServiceSpec(containerRequest({ name: 'a', image: 'i' }), []);
    expect(plain).toMatchObject({
      replicas: 1,
      endpointMode: 'dnsrr',
      restart: { condition: 'none' },
      constraints: [],
    });
    const vip = swarmServiceSpec(
      containerRequest({ name: 'a', image: 'i', restartPolicy: 'always', deploy: { endpointMode: 'vip' } }),
      [],
    );
    expect(vip).toMatchObject({ endpointMode: 'vip', restart: { condition: 'any' } });
    expect(deployRequest({})).toBeUndefined();
  });

  it('volumes carry the stack volume labels (the node creates them); healthchecks map; files become secrets or configs', () => {
    const request = containerRequest({
      name: 'shop-main-db-1',
      image: 'i',
      labels,
      mounts: [{ type: 'volume', source: 'shop-main_data', target: '/data', readOnly: false }],
      healthcheck: { test: ['CMD', 'pg_isready'], intervalMs: 1000, retries: 5 },
      files: [
        { path: '/run/secrets/token', content: 's3cret', mode: 0o400 },
        { path: '/etc/app.conf', content: 'x=1', mode: 0o444 },
      ],
    });
    const spec = swarmServiceSpec(request, [
      { name: 'shop-main_data', labels: { 'dev.devenv.stack': 'shop-main' } },
    ]);
    expect(spec.mounts).toEqual([
      {
        type: 'volume',
        source: 'shop-main_data',
        target: '/data',
        readOnly: false,
        volumeLabels: { 'dev.devenv.stack': 'shop-main', 'dev.devenv.backend': 'swarm' },
      },
    ]);
    expect(spec.healthcheck).toEqual({ test: ['CMD', 'pg_isready'], intervalMs: 1000, retries: 5 });
    expect(spec.files.map((file) => [file.kind, file.target, file.mode])).toEqual([
      ['secret', '/run/secrets/token', 0o400],
      ['config', '/etc/app.conf', 0o444],
    ]);
    const secret = fileObject(request, request.files![0]!);
    // Named per service and content, labelled with the selectors only (found by the stack label).
    expect(secret.name).toMatch(/^shop-main-db-1-[0-9a-f]{12}$/);
    expect(secret.labels).toEqual({ 'dev.devenv.stack': 'shop-main' });
    expect(fileObject(request, { ...request.files![0]!, content: 'other' }).name).not.toBe(secret.name);
  });

  it('a secret or config given by file: becomes a swarm secret or config of its content, not a bind of the path', () => {
    const request = containerRequest({
      name: 'shop-main-app-1',
      image: 'i',
      labels,
      mounts: [
        {
          type: 'bind',
          source: '/home/me/shop/token.txt',
          target: '/run/secrets/token',
          readOnly: true,
          fileObject: 'secret',
        },
        {
          type: 'bind',
          source: '/home/me/shop/app.conf',
          target: '/etc/app.conf',
          readOnly: true,
          fileObject: 'config',
        },
        { type: 'bind', source: '/home/me/shop/src', target: '/src', readOnly: false },
      ],
    });
    const contents = new Map([
      ['/run/secrets/token', new TextEncoder().encode('file s3cret')],
      ['/etc/app.conf', Uint8Array.from([0, 255, 1])],
    ]);
    const spec = swarmServiceSpec(request, [], contents);
    // An ordinary bind mount stays one.
    expect(spec.mounts).toEqual([
      { type: 'bind', source: '/home/me/shop/src', target: '/src', readOnly: false },
    ]);
    expect(spec.files.map((file) => [file.kind, file.target, file.mode])).toEqual([
      ['secret', '/run/secrets/token', 0o444],
      ['config', '/etc/app.conf', 0o444],
    ]);
    // Named by content: the same bytes under another path of this machine are the same object.
    expect(spec.files[0]!.name).toBe(
      fileObject(request, { path: '/run/secrets/token', content: 'file s3cret', mode: 0o444 }).name,
    );
    expect(() => swarmServiceSpec(request, [])).toThrow(/No content was read for \/run\/secrets\/token/);
  });
});

describe('swarm selection', () => {
  it("a service the preview proxy routes (proxy port and HTTP port) joins that proxy's network; others do not", () => {
    const networks = [{ network: 'shop-main_default', aliases: ['web'] }];
    const routed = swarmServiceSpec(
      containerRequest({
        name: 'shop-main-web-1',
        image: 'i',
        labels: { ...labels, 'dev.devenv.proxy': '8780', 'dev.devenv.http-port': '3000' },
        networks,
      }),
      [],
    );
    expect(routed.networks).toEqual([...networks, { network: 'devenv-proxy-8780', aliases: [] }]);
    // The same stack's database: on the stack's network only (the proxy reaches no unrouted service).
    const unrouted = swarmServiceSpec(
      containerRequest({
        name: 'shop-main-db-1',
        image: 'i',
        labels: { ...labels, 'dev.devenv.proxy': '8780' },
        networks,
      }),
      [],
    );
    expect(unrouted.networks).toEqual(networks);
  });

  it('reads swarm and swarm:TARGET, and checks the target', () => {
    expect(swarmEngine('swarm')).toEqual({});
    expect(swarmEngine('swarm:prod')).toEqual({ engine: 'prod' });
    expect(swarmEngine('swarm:unix:///run/x.sock')).toEqual({ engine: 'unix:///run/x.sock' });
    expect(swarmEngine('prod')).toBeUndefined();
    expect(engineProblem('swarm')).toBeUndefined();
    expect(engineProblem('swarm:tcp://host')).toMatch(/needs a port/);
  });

  it('parses DEVENV_SWARM_NODES and lists bad entries', () => {
    const parsed = swarmNodeEndpoints('w1=unix:///run/w1.sock, w2=tcp://10.0.0.2:2375,bad');
    expect([...parsed.nodes]).toEqual([
      ['w1', 'unix:///run/w1.sock'],
      ['w2', 'tcp://10.0.0.2:2375'],
    ]);
    expect(parsed.problems).toHaveLength(1);
  });
});
