import { describe, expect, it } from 'vitest';
import type { ContainerRequest, ImageInfo } from '../../../src/contracts/engine.js';
import { imageFamily, readinessCheck, unhealthyReason } from '../../../src/core/plan/readiness.js';
import { containerRequest } from '../../support/container-request.js';

function request(partial: Partial<ContainerRequest>): ContainerRequest {
  return containerRequest({ name: 'c', image: 'i', stopTimeoutSeconds: 2, ...partial });
}
const image = (healthcheck?: string[]): ImageInfo => ({
  id: 'sha256:x',
  exposedPorts: [],
  volumes: [],
  entrypoint: [],
  cmd: [],
  env: {},
  labels: {},
  ...(healthcheck ? { healthcheck } : {}),
});
const pg = { containerPort: 5432, protocol: 'tcp' as const, hostIp: '127.0.0.1' };

describe('readiness selection', () => {
  it('recognizes image families', () => {
    expect(imageFamily('postgres:15')).toBe('postgres');
    expect(imageFamily('devenv-test/postgres:15')).toBe('postgres');
    expect(imageFamily('registry.example.com:5000/library/redis:7@sha256:abc')).toBe('redis');
    expect(imageFamily('node:20')).toBe('node');
  });

  it('prefers the template healthcheck, then the image one', () => {
    expect(
      readinessCheck(
        request({ healthcheck: { test: ['CMD', 'true'] }, ports: [pg] }),
        image(['CMD', 'x']),
        'postgres:15',
      ),
    ).toEqual({
      kind: 'healthcheck',
      test: ['CMD', 'true'],
      source: 'template',
    });
    expect(readinessCheck(request({ ports: [pg] }), image(['CMD-SHELL', 'x']), 'postgres:15')).toEqual({
      kind: 'healthcheck',
      test: ['CMD-SHELL', 'x'],
      source: 'image',
    });
  });

  it("keeps the template healthcheck's timeout: a test running longer has failed", () => {
    expect(
      readinessCheck(request({ healthcheck: { test: ['CMD', 'true'], timeoutMs: 1000 } }), image(), 'x'),
    ).toEqual({ kind: 'healthcheck', test: ['CMD', 'true'], source: 'template', timeoutMs: 1000 });
  });

  it('says a healthcheck hangs when its last tests all exceeded their timeout', () => {
    const timedOut = 'Health check exceeded timeout (1s)';
    expect(unhealthyReason(['not ready', 'not ready', 'not ready'])).toBe(
      'its healthcheck reports unhealthy',
    );
    expect(unhealthyReason([])).toBe('its healthcheck reports unhealthy');
    expect(unhealthyReason(['ok', timedOut, timedOut, timedOut])).toBe(
      'its healthcheck hangs: the test did not finish within its timeout (1s), 3 times in a row',
    );
    expect(unhealthyReason([timedOut])).toBe(
      'its healthcheck hangs: the test did not finish within its timeout (1s), once',
    );
    expect(unhealthyReason([timedOut, timedOut, 'exit 1'])).toBe('its healthcheck reports unhealthy');
  });

  it('probes Postgres with a real connection as POSTGRES_USER', () => {
    expect(
      readinessCheck(
        request({ ports: [pg], env: { POSTGRES_USER: 'user', POSTGRES_DB: 'db' } }),
        image(),
        'postgres:15',
      ),
    ).toEqual({
      kind: 'postgres',
      containerPort: 5432,
      user: 'user',
      database: 'db',
    });
    expect(
      readinessCheck(request({ ports: [pg], healthcheck: 'disabled' }), image(['CMD', 'x']), 'postgres:15'),
    ).toMatchObject({ kind: 'postgres', user: 'postgres', database: 'postgres' });
  });

  it('PINGs Redis, TCP-probes other published ports, else waits for running', () => {
    expect(readinessCheck(request({ ports: [{ ...pg, containerPort: 6379 }] }), image(), 'redis:7')).toEqual({
      kind: 'redis',
      containerPort: 6379,
    });
    expect(readinessCheck(request({ ports: [{ ...pg, containerPort: 8080 }] }), image(), 'my/app')).toEqual({
      kind: 'tcp',
      containerPort: 8080,
    });
    expect(readinessCheck(request({}), image(), 'my/worker')).toEqual({ kind: 'running' });
  });

  it("runs the server's own client in the container for Postgres and Redis with no published port", () => {
    expect(
      readinessCheck(request({ env: { POSTGRES_USER: 'app', POSTGRES_DB: 'shop' } }), image(), 'postgres:15'),
    ).toEqual({
      kind: 'exec',
      command: ['pg_isready', '-q', '-h', '127.0.0.1', '-p', '5432', '-U', 'app', '-d', 'shop'],
      what: 'postgres accepts connections (pg_isready in the container)',
    });
    expect(readinessCheck(request({}), image(), 'redis:7')).toEqual({
      kind: 'exec',
      command: ['redis-cli', '-p', '6379', 'ping'],
      expect: 'PONG',
      what: 'redis answers PING (redis-cli in the container)',
    });
    expect(
      readinessCheck(request({ command: ['postgres', '-c', 'fsync=off'] }), image(), 'postgres:15'),
    ).toMatchObject({ kind: 'exec' });
    expect(readinessCheck(request({ command: ['--appendonly', 'yes'] }), image(), 'redis:7')).toMatchObject({
      kind: 'exec',
    });
    // The image run as something else (a shell, a client): waited for as running.
    expect(readinessCheck(request({ entrypoint: ['sleep', '600'] }), image(), 'redis:7')).toEqual({
      kind: 'running',
    });
    expect(
      readinessCheck(request({ command: ['sh', '-c', 'psql -h db -c "select 1"'] }), image(), 'postgres:15'),
    ).toEqual({ kind: 'running' });
    // On the host's network its ports are probed from outside, as before.
    expect(
      readinessCheck(request({ networkMode: 'host', expose: ['5432/tcp'] }), image(), 'postgres:15'),
    ).toMatchObject({ kind: 'postgres', hostNetwork: true });
  });
});
