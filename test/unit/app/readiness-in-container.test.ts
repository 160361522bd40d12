/**
 * Readiness on a remote engine whose published address does not answer from
 * this machine: after IN_CONTAINER_AFTER_MS of failed host probes of a running
 * container, the check is judged inside it by exec. A local engine never falls
 * back (its published address is this machine's).
 */
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../../../src/app/context.js';
import type { DevenvEvent } from '../../../src/app/events.js';
import {
  IN_CONTAINER_AFTER_MS,
  ServiceNotReadyError,
  waitUntilReady,
  type ReadinessTarget,
} from '../../../src/app/readiness.js';
import type { ContainerStatus, ExecResult } from '../../../src/contracts/engine.js';
import type { ReadinessCheck } from '../../../src/core/plan/readiness.js';
import { inContainerProbe, listensOnTcp } from '../../../src/core/plan/readiness-in-container.js';

const procNetTcp = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0BB8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1
   1: 0100007F:1F90 0100007F:A1B2 01 00000000:00000000 00:00000000 00000000     0        0 1235 1
`;
const procNetTcp6 = `  sl  local_address                         remote_address                        st
   0: 00000000000000000000000000000000:1538 00000000000000000000000000000000:0000 0A 00000000:00000000
`;

describe('a listening socket in /proc/net/tcp', () => {
  it('is found by its port in hex, IPv4 or IPv6, in state LISTEN only', () => {
    expect(listensOnTcp(procNetTcp, 3000)).toBe(true);
    expect(listensOnTcp(procNetTcp, 8080)).toBe(false); // 1F90 is ESTABLISHED, not LISTEN
    expect(listensOnTcp(procNetTcp6, 5432)).toBe(true);
    expect(listensOnTcp(procNetTcp + procNetTcp6, 6379)).toBe(false);
    expect(listensOnTcp('', 3000)).toBe(false);
  });

  it('has an in-container probe for host-side checks only', () => {
    expect(inContainerProbe({ kind: 'tcp', containerPort: 3000 })?.command).toEqual([
      'cat',
      '/proc/net/tcp',
      '/proc/net/tcp6',
    ]);
    const redis = inContainerProbe({ kind: 'redis', containerPort: 6379 });
    expect(redis?.ready({ exitCode: 0, output: 'PONG\n' })).toBe(true);
    expect(redis?.ready({ exitCode: 1, output: 'Could not connect' })).toBe(false);
    expect(redis?.ready({ exitCode: 127, output: '' })).toBe(true);
    expect(inContainerProbe({ kind: 'running' })).toBeUndefined();
    expect(
      inContainerProbe({ kind: 'healthcheck', test: ['CMD', 'true'], source: 'template' }),
    ).toBeUndefined();
  });
});

/** A clock that moves 100 ms each time it is read: the waits run in milliseconds of real time. */
function steppingClock() {
  let now = 1_000_000;
  return { now: () => (now += 100) };
}

function harness(publishedHost: string, hostProbe: boolean, exec: (command: string[]) => ExecResult) {
  const events: DevenvEvent[] = [];
  const execs: string[][] = [];
  const clock = steppingClock();
  const ctx = {
    clock,
    emit: (event: DevenvEvent) => events.push(event),
    probes: { postgres: async () => hostProbe, redis: async () => hostProbe, tcp: async () => hostProbe },
  } as unknown as AppContext;
  const status: ContainerStatus = {
    id: 'c1',
    name: 'web-1',
    image: 'img',
    labels: {},
    state: 'running',
    health: 'none',
    healthLog: [],
    ports: [{ containerPort: 3000, hostPort: 41000, hostIp: '0.0.0.0', protocol: 'tcp' }],
    createdAt: '',
    restartCount: 0,
  } as ContainerStatus;
  const backend: ReadinessTarget = {
    inspect: async () => status,
    exec: async (_id: string, command: string[]) => {
      execs.push(command);
      return exec(command);
    },
    logs: async () => undefined,
  } as unknown as ReadinessTarget;
  const wait = (check: ReadinessCheck, timeoutMs = 60_000) =>
    waitUntilReady(ctx, {
      backend,
      info: { endpoint: 'tcp://x:2376', serverVersion: '20.10', apiVersion: '1.41', publishedHost },
      service: 'web',
      containerId: 'c1',
      check,
      timeoutMs,
      signal: new AbortController().signal,
    });
  return { events, execs, wait };
}

describe('readiness on a remote engine whose published address does not answer from here', () => {
  it('judges a TCP port inside the container, once host probes have failed for a while', async () => {
    const { events, execs, wait } = harness('10.0.0.5', false, () => ({
      exitCode: 0,
      output: procNetTcp,
    }));
    await expect(wait({ kind: 'tcp', containerPort: 3000 })).resolves.toMatchObject({ id: 'c1' });
    expect(execs).toEqual([['cat', '/proc/net/tcp', '/proc/net/tcp6']]);
    const detail = events.filter((e) => e.type === 'health.changed').map((e) => e.detail);
    expect(detail.at(-1)).toBe(
      'port 3000 listens in the container (/proc/net/tcp): its published port on 10.0.0.5 does not answer from this machine',
    );
  });

  it('keeps waiting while the check inside says not yet', async () => {
    let tries = 0;
    const { execs, wait } = harness('10.0.0.5', false, () =>
      ++tries < 3 ? { exitCode: 2, output: '' } : { exitCode: 0, output: '' },
    );
    await wait({ kind: 'postgres', containerPort: 5432, user: 'app', database: 'appdb' });
    expect(execs).toHaveLength(3);
    expect(execs[0]).toEqual([
      'pg_isready',
      '-q',
      '-h',
      '127.0.0.1',
      '-p',
      '5432',
      '-U',
      'app',
      '-d',
      'appdb',
    ]);
  });

  it('does not exec while the host probe answers', async () => {
    const { execs, wait } = harness('10.0.0.5', true, () => ({ exitCode: 0, output: procNetTcp }));
    await wait({ kind: 'tcp', containerPort: 3000 });
    expect(execs).toEqual([]);
  });

  it('never falls back on a local engine: its published address is this machine', async () => {
    const { execs, wait } = harness('127.0.0.1', false, () => ({ exitCode: 0, output: procNetTcp }));
    await expect(
      wait({ kind: 'tcp', containerPort: 3000 }, IN_CONTAINER_AFTER_MS * 3),
    ).rejects.toBeInstanceOf(ServiceNotReadyError);
    expect(execs).toEqual([]);
  });
});
