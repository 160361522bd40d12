import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT_POLICY, planPort } from '../../../src/core/plan/port-plan.js';

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
});
