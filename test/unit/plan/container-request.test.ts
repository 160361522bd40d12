import { describe, expect, it } from 'vitest';
import type { ComposeProject, ServiceSpec } from '../../../src/core/compose/model.js';
import { planContainer } from '../../../src/core/plan/container-request.js';
import { DEFAULT_PORT_POLICY } from '../../../src/core/plan/port-plan.js';
import { configHash } from '../../../src/core/stack/config-hash.js';
import { stackIdentity } from '../../../src/core/stack/identity.js';
import { DERIVED_SELECTOR_KEYS, Labels, stackLabels } from '../../../src/core/stack/labels.js';

const postgres: ServiceSpec = {
  name: 'postgres',
  image: 'postgres:15',
  environment: { POSTGRES_USER: 'user', POSTGRES_PASSWORD: 'pass', POSTGRES_DB: 'myapp_dev', EMPTY: null },
  ports: [{ target: 5432, published: '5432', protocol: 'tcp' }],
  expose: ['9187'],
  volumes: [
    { type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false },
    {
      type: 'bind',
      source: '/p/init',
      target: '/docker-entrypoint-initdb.d',
      readOnly: true,
      createHostPath: true,
    },
    { type: 'tmpfs', target: '/tmp', sizeBytes: 1024 },
  ],
  dependsOn: {},
  healthcheck: { test: ['CMD-SHELL', 'pg_isready'], intervalMs: 200, disable: false },
  labels: { team: 'core' },
  networks: { default: { aliases: ['db'] } },
  profiles: [],
  secrets: [],
  configs: [],
  containerName: 'fixed-name',
  extraHosts: [],
  extensions: {},
};

const project: ComposeProject = {
  name: 'myapp',
  workingDir: '/p',
  files: ['/p/compose.yaml'],
  services: { postgres },
  networks: {},
  volumes: { pgdata: { external: false, labels: {} } },
  secrets: {},
  configs: {},
  extensions: {},
};

const base = {
  stack: 's1',
  project,
  service: postgres,
  image: 'postgres:15',
  stackLabels: { selectors: { 'dev.devenv.stack': 's1' }, annotations: {} },
  ports: DEFAULT_PORT_POLICY,
};

describe('container request planning', () => {
  it('maps a service to a per-stack, labelled container on loopback', () => {
    const plan = planContainer({ ...base, imageVolumes: [] });
    expect(plan.request).toMatchObject({
      name: 's1-postgres-1',
      image: 'postgres:15',
      env: { POSTGRES_USER: 'user', POSTGRES_PASSWORD: 'pass', POSTGRES_DB: 'myapp_dev' },
      labels: {
        team: 'core',
        'dev.devenv.stack': 's1',
        'dev.devenv.service': 'postgres',
        'dev.devenv.service-slug': 'postgres',
        'dev.devenv.stop-timeout': '2',
      },
      ports: [{ containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1' }],
      expose: ['9187/tcp'],
      networks: [{ network: 's1_default', aliases: ['postgres', 'db'] }],
      healthcheck: { test: ['CMD-SHELL', 'pg_isready'], intervalMs: 200 },
      init: true,
      stopTimeoutSeconds: 2,
      restartPolicy: 'no',
    });
    expect(plan.request.mounts).toEqual([
      { type: 'volume', source: 's1_pgdata', target: '/var/lib/postgresql/data', readOnly: false },
      { type: 'bind', source: '/p/init', target: '/docker-entrypoint-initdb.d', readOnly: true },
      { type: 'tmpfs', target: '/tmp', sizeBytes: 1024 },
    ]);
    expect(plan.volumes).toEqual([
      {
        name: 's1_pgdata',
        external: false,
        labels: { 'dev.devenv.stack': 's1', 'dev.devenv.volume': 'pgdata' },
      },
    ]);
    expect(plan.notes).toEqual([
      'postgres: port 5432/tcp: host port 5432 replaced by a free port (use --fixed-ports to keep 5432)',
      'postgres: container_name "fixed-name" is renamed per stack so stacks never collide',
    ]);
  });

  it('gives image VOLUMEs named, labelled volumes instead of anonymous ones', () => {
    const plain = { ...postgres, volumes: [] };
    const plan = planContainer({ ...base, service: plain, imageVolumes: ['/var/lib/postgresql/data'] });
    expect(plan.request.mounts).toEqual([
      {
        type: 'volume',
        source: 's1_postgres-var-lib-postgresql-data',
        target: '/var/lib/postgresql/data',
        readOnly: false,
      },
    ]);
    expect(plan.volumes[0]?.labels['dev.devenv.volume']).toBe('postgres:/var/lib/postgresql/data');
  });

  it('honours stop_grace_period, init: false and restart policies', () => {
    const plan = planContainer({
      ...base,
      service: { ...postgres, stopGracePeriodMs: 30_000, init: false, restart: 'on-failure:3' },
      imageVolumes: [],
    });
    expect(plan.request).toMatchObject({
      stopTimeoutSeconds: 30,
      init: false,
      restartPolicy: 'on-failure',
      restartMaxRetries: 3,
    });
  });

  it('changes the config hash when the service or the image changes, not when only the creation time does', () => {
    const a = planContainer({ ...base, imageVolumes: [] }).request;
    const later = planContainer({
      ...base,
      imageVolumes: [],
      stackLabels: { ...base.stackLabels, annotations: { 'dev.devenv.created': '2030-01-01' } },
    }).request;
    const changed = planContainer({
      ...base,
      service: { ...postgres, environment: { POSTGRES_USER: 'other' } },
      imageVolumes: [],
    }).request;
    const otherFiles = planContainer({
      ...base,
      imageVolumes: [],
      stackLabels: {
        ...base.stackLabels,
        annotations: { 'dev.devenv.compose-files': '/p/compose.yaml,/p/override.yaml' },
      },
    }).request;
    expect(configHash(a, 'sha256:1')).toBe(configHash(later, 'sha256:1'));
    expect(configHash(a, 'sha256:1')).toBe(configHash(otherFiles, 'sha256:1'));
    expect(configHash(a, 'sha256:1')).not.toBe(configHash(changed, 'sha256:1'));
    expect(configHash(a, 'sha256:1')).not.toBe(configHash(a, 'sha256:2'));
  });

  it('keeps the hash of a container labelled before the derived selectors existed, so up keeps it', () => {
    const labelsOn = (branch: string) =>
      stackLabels({
        identity: stackIdentity({ project: 'myapp', owner: 'alice', branch, explicitName: 's1' }),
        createdAt: new Date(0),
        workingDir: '/p',
        composeFiles: ['/p/compose.yaml'],
        lifetime: { ephemeral: false },
        version: '0.1.0',
      });
    const request = planContainer({ ...base, imageVolumes: [], stackLabels: labelsOn('feature/x') }).request;
    expect(request.labels[Labels.branchSlug]).toMatch(/^feature-x-/);
    expect(request.labels[Labels.serviceSlug]).toBe('postgres');
    const before = {
      ...request,
      labels: Object.fromEntries(
        Object.entries(request.labels).filter(([key]) => !DERIVED_SELECTOR_KEYS.has(key)),
      ),
    };
    expect(configHash(before, 'sha256:1')).toBe(configHash(request, 'sha256:1'));
    // The annotation a derived selector comes from still counts.
    const otherBranch = planContainer({
      ...base,
      imageVolumes: [],
      stackLabels: labelsOn('feature/y'),
    }).request;
    expect(configHash(otherBranch, 'sha256:1')).not.toBe(configHash(request, 'sha256:1'));
  });
});
