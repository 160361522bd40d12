import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '../../../src/core/compose/model.js';
import {
  compareEnvironments,
  parityHolds,
  pathMatches,
} from '../../../src/core/parity/compare-environments.js';

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
