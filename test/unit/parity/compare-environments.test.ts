import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../src/core/compose/model.js';
import {
  compareEnvironments,
  parityHolds,
  pathMatches,
} from '../../../src/core/parity/compare-environments.js';
import { resolveTexts } from '../compose/resolve-text.js';

function service(name: string, fields: Partial<ServiceSpec> = {}): ServiceSpec {
  return { name, environment: {}, ports: [], volumes: [], ...fields } as unknown as ServiceSpec;
}

function model(...services: ServiceSpec[]) {
  return { services: Object.fromEntries(services.map((s) => [s.name, s])) };
}

const app = service('app', {
  image: 'shop/app:1.4',
  environment: { DATABASE_URL: 'postgres://dev', LOG_LEVEL: 'debug' },
  ports: [{ target: 3000, protocol: 'tcp' }],
  restart: 'unless-stopped',
});
const db = service('db', { image: 'postgres:16' });

describe('compareEnvironments (the parity gate)', () => {
  it('finds nothing between equal models, whatever the variable values', () => {
    const prod = service('app', {
      ...app,
      environment: { DATABASE_URL: 'postgres://prod', LOG_LEVEL: 'warn' },
    });
    const report = compareEnvironments(model(app, db), model(prod, db));
    expect(report).toEqual({ equal: true, differences: [] });
    expect(parityHolds(report)).toBe(true);
  });

  it('reports a changed image tag', () => {
    const report = compareEnvironments(model(app, db), model(app, service('db', { image: 'postgres:15' })));
    expect(report.differences).toEqual([
      { service: 'db', path: 'services.db.image', a: 'postgres:16', b: 'postgres:15', allowed: false },
    ]);
    expect(parityHolds(report)).toBe(false);
  });

  it('reports a missing variable by name, never its value', () => {
    const prod = service('app', { ...app, environment: { LOG_LEVEL: 'warn' } });
    const report = compareEnvironments(model(app), model(prod));
    expect(report.differences).toEqual([
      { service: 'app', path: 'services.app.environment.DATABASE_URL', a: 'set', b: null, allowed: false },
    ]);
    expect(JSON.stringify(report)).not.toContain('postgres://dev');
  });

  it('reports a removed service once', () => {
    const report = compareEnvironments(model(app, db), model(app));
    expect(report.differences).toEqual([
      { service: 'db', path: 'services.db', a: 'present', b: null, allowed: false },
    ]);
  });

  it('compares ports, volumes, healthchecks, resources and restart policies', () => {
    const other = service('app', {
      ...app,
      ports: [{ target: 3000, protocol: 'tcp', published: '80' }],
      volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false }],
      healthcheck: { test: ['CMD', 'true'], retries: 3, disable: false },
      runtimeOptions: { memLimitBytes: 536870912, cpus: 0.5 },
      restart: 'always',
    });
    expect(compareEnvironments(model(app), model(other)).differences.map((d) => d.path)).toEqual([
      'services.app.deploy.resources.limits.cpus',
      'services.app.deploy.resources.limits.memory',
      'services.app.healthcheck',
      'services.app.ports',
      'services.app.restart',
      'services.app.volumes',
    ]);
  });

  it('passes differences parity.allow allows (* is one segment) and fails the others', () => {
    const prod = service('app', { ...app, environment: { DATABASE_URL: 'x' }, restart: 'always' });
    const allowed = compareEnvironments(model(app), model(prod), [
      'services.*.environment.LOG_LEVEL',
      'services.app.restart',
    ]);
    expect(allowed.equal).toBe(false);
    expect(allowed.differences.every((d) => d.allowed)).toBe(true);
    expect(parityHolds(allowed)).toBe(true);
    const partly = compareEnvironments(model(app), model(prod), ['services.*.environment.LOG_LEVEL']);
    expect(parityHolds(partly)).toBe(false);
    expect(pathMatches('services.*', 'services.app.image')).toBe(false);
    expect(pathMatches('services.*.image', 'services.app.image')).toBe(true);
  });
});

describe('deploy in the parity gate (resolved from compose files)', () => {
  const base = `services:
  app:
    image: shop/app:1.4
    environment: { DATABASE_URL: postgres://dev/shop }
    restart: unless-stopped
    deploy:
      resources:
        limits: { cpus: "0.5", memory: 256m }
  db:
    image: postgres:16
`;
  const prod = `services:
  app:
    environment: { DATABASE_URL: postgres://prod/shop }
    deploy:
      replicas: 3
      restart_policy: { condition: on-failure, max_attempts: 5 }
      resources:
        limits: { memory: 1g }
        reservations: { cpus: "0.25", memory: 512m }
  db:
    scale: 1
`;
  const dev = resolveTexts({ 'compose.yaml': base }).project;
  const production = resolveTexts({ 'compose.yaml': base, 'compose.prod.yaml': prod }).project;

  it('compares replicas, restart policies, limits and reservations (golden report)', () => {
    const report = compareEnvironments(dev, production, ['services.*.deploy.replicas']);
    expect(JSON.parse(JSON.stringify(report))).toEqual({
      equal: false,
      differences: [
        { service: 'app', path: 'services.app.deploy.replicas', a: null, b: '3', allowed: true },
        {
          service: 'app',
          path: 'services.app.deploy.resources.limits.memory',
          a: '268435456',
          b: '1073741824',
          allowed: false,
        },
        {
          service: 'app',
          path: 'services.app.deploy.resources.reservations.cpus',
          a: null,
          b: '0.25',
          allowed: false,
        },
        {
          service: 'app',
          path: 'services.app.deploy.resources.reservations.memory',
          a: null,
          b: '536870912',
          allowed: false,
        },
        {
          service: 'app',
          path: 'services.app.restart',
          a: 'unless-stopped',
          b: 'on-failure:5',
          allowed: false,
        },
        { service: 'db', path: 'services.db.deploy.replicas', a: null, b: '1', allowed: true },
      ],
    });
    expect(JSON.stringify(report)).not.toContain('postgres://');
    expect(parityHolds(report)).toBe(false);
  });

  it('passes once the other differences are allowed too', () => {
    const report = compareEnvironments(dev, production, [
      'services.*.deploy.replicas',
      'services.app.deploy.resources.limits.memory',
      'services.app.deploy.resources.reservations.cpus',
      'services.app.deploy.resources.reservations.memory',
      'services.app.restart',
    ]);
    expect(parityHolds(report)).toBe(true);
    expect(compareEnvironments(production, production)).toEqual({ equal: true, differences: [] });
  });
});
