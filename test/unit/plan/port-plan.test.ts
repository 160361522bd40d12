import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PORT_POLICY,
  defaultHostIp,
  planPort,
  reachableHost,
} from '../../../src/core/plan/port-plan.js';

describe('port planning', () => {
  it('publishes on 127.0.0.1 with a free host port (not the template one) by default', () => {
    const planned = planPort({ target: 5432, published: '5432', protocol: 'tcp' }, DEFAULT_PORT_POLICY);
    expect(planned.binding).toEqual({ containerPort: 5432, protocol: 'tcp', hostIp: '127.0.0.1' });
    expect(planned.note).toBe('host port 5432 replaced by a free port (use --fixed-ports to keep 5432)');
    expect(planned.note).not.toContain('left to the engine');
  });

  it('keeps fixed host ports when asked', () => {
    const planned = planPort(
      { target: 5432, published: '5432', protocol: 'tcp' },
      { hostIp: '127.0.0.1', fixedPorts: true },
    );
    expect(planned.binding).toEqual({
      containerPort: 5432,
      protocol: 'tcp',
      hostIp: '127.0.0.1',
      hostPort: '5432',
    });
    expect(planned.note).toBeUndefined();
  });

  it('never publishes on all interfaces by default, even when the template says 0.0.0.0', () => {
    const planned = planPort(
      { target: 80, published: '8080', hostIp: '0.0.0.0', protocol: 'tcp' },
      DEFAULT_PORT_POLICY,
    );
    expect(planned.binding.hostIp).toBe('127.0.0.1');
    expect(planned.note).toContain('published on 127.0.0.1 instead of 0.0.0.0');
  });

  it('honours a specific host IP from the template', () => {
    expect(
      planPort({ target: 80, hostIp: '127.0.0.2', protocol: 'tcp' }, DEFAULT_PORT_POLICY).binding.hostIp,
    ).toBe('127.0.0.2');
  });

  it('publishes everywhere only when the policy says so', () => {
    expect(
      planPort({ target: 80, protocol: 'udp' }, { hostIp: '0.0.0.0', fixedPorts: false }).binding,
    ).toEqual({
      containerPort: 80,
      protocol: 'udp',
      hostIp: '0.0.0.0',
    });
  });

  it("publishes on loopback with a local engine, on a remote engine's own address, everywhere for a host name", () => {
    expect(defaultHostIp('127.0.0.1')).toEqual({ hostIp: '127.0.0.1' });
    expect(defaultHostIp('::1')).toEqual({ hostIp: '127.0.0.1' });
    const byAddress = defaultHostIp('10.230.7.2');
    expect(byAddress.hostIp).toBe('10.230.7.2');
    expect(byAddress.notice).toEqual({
      level: 'info',
      message:
        "ports are published on 10.230.7.2, the remote engine's address (its 127.0.0.1 is out of reach from here); --host-ip picks another",
    });
    expect(defaultHostIp('fd00::5').hostIp).toBe('fd00::5');
    const byName = defaultHostIp('devbox');
    expect(byName.hostIp).toBe('0.0.0.0');
    expect(byName.notice?.level).toBe('warning');
    expect(byName.notice?.message).toContain('every interface of devbox (0.0.0.0)');
  });

  it('a template that says 0.0.0.0 is narrowed to the remote engine address too', () => {
    const planned = planPort(
      { target: 80, published: '8080', hostIp: '0.0.0.0', protocol: 'tcp' },
      { hostIp: '10.230.7.2', fixedPorts: false },
    );
    expect(planned.binding.hostIp).toBe('10.230.7.2');
    expect(planned.note).toContain('published on 10.230.7.2 instead of 0.0.0.0');
  });

  it('reaches a port where it is bound; a wildcard or a remote loopback at the engine host', () => {
    expect(reachableHost('127.0.0.1', '127.0.0.1')).toBe('127.0.0.1');
    expect(reachableHost('127.0.0.1', '::1')).toBe('::1');
    expect(reachableHost('127.0.0.1', '0.0.0.0')).toBe('127.0.0.1');
    expect(reachableHost('10.230.7.2', '10.230.7.2')).toBe('10.230.7.2');
    expect(reachableHost('devbox', '0.0.0.0')).toBe('devbox');
    expect(reachableHost('devbox', '192.168.4.4')).toBe('192.168.4.4');
    expect(reachableHost('devbox', '127.0.0.1')).toBe('devbox');
  });
});
