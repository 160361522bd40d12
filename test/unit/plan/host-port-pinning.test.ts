import { describe, expect, it } from 'vitest';
import { pinHostPorts } from '../../../src/app/host-port-pinning.js';
import type { ContainerRequest, PortBinding, PublishedPort } from '../../../src/contracts/engine.js';
import type { HostPorts } from '../../../src/contracts/host-ports.js';
import { hostPortsArePinnable, portsToPin } from '../../../src/core/plan/port-plan.js';

const auto = (containerPort: number, protocol: 'tcp' | 'udp' = 'tcp'): PortBinding => ({
  containerPort,
  protocol,
  hostIp: '127.0.0.1',
});
const published = (containerPort: number, hostPort: number): PublishedPort => ({
  containerPort,
  protocol: 'tcp',
  hostIp: '127.0.0.1',
  hostPort,
});

/** A machine where `taken` ports are bound and pick() hands out `free` in order. */
function machine(taken: number[], free: number[]): HostPorts {
  const queue = [...free];
  return {
    isFree: async (_ip, port) => !taken.includes(port),
    isLocalAddress: async () => true,
    pick: async () => {
      const port = queue.shift();
      if (port === undefined) throw new Error('no more free ports in this fake');
      return port;
    },
  };
}

const request = (ports: PortBinding[]) => ({ name: 'c', image: 'i', ports }) as unknown as ContainerRequest;

describe('automatic host ports devenv chooses', () => {
  it('are chosen only where ports are published on this machine', () => {
    expect(['127.0.0.1', '::1', 'localhost'].map(hostPortsArePinnable)).toEqual([true, true, true]);
    expect(hostPortsArePinnable('build-host.example')).toBe(false);
  });

  it('leave fixed host ports alone and remember the previous container port per binding', () => {
    const fixed: PortBinding = { ...auto(80), hostPort: '8080' };
    expect(
      portsToPin([fixed, auto(5432), auto(53, 'udp')], [published(5432, 40001), published(53, 40002)]),
    ).toEqual([
      { index: 1, binding: auto(5432), previous: 40001 },
      // The previous 53 was tcp: not this udp binding's.
      { index: 2, binding: auto(53, 'udp') },
    ]);
  });

  it('keep the previous container port while it is free, and pick a free one otherwise', async () => {
    const keep = await pinHostPorts(request([auto(5432)]), [published(5432, 40001)], machine([], [45000]));
    expect(keep.request.ports).toEqual([{ ...auto(5432), hostPort: '40001' }]);
    const moved = await pinHostPorts(
      request([auto(5432)]),
      [published(5432, 40001)],
      machine([40001], [45000]),
    );
    expect(moved.request.ports).toEqual([{ ...auto(5432), hostPort: '45000' }]);
    expect(moved.chosen).toEqual([45000]);
  });

  it('never hand out a port that failed before, nor the same port twice', async () => {
    const pinned = await pinHostPorts(
      request([auto(6379), auto(6380)]),
      [published(6379, 40001)],
      machine([], [40001, 45000, 45000, 45001]),
      new Set([40001]),
    );
    expect(pinned.request.ports.map((p) => p.hostPort)).toEqual(['45000', '45001']);
  });

  it('leave the request to the engine when nothing needs a port', async () => {
    const original = request([{ ...auto(80), hostPort: '8080' }]);
    const pinned = await pinHostPorts(original, [], machine([], []));
    expect(pinned).toEqual({ request: original, chosen: [] });
  });
});
