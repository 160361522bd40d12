/**
 * A host-side readiness check (postgres, redis, tcp on a published port) judged
 * inside the container instead, by exec: for a remote engine whose published
 * address does not answer from this machine (a firewall, ports bound to the
 * engine host's loopback, a network only the API crosses). Postgres by
 * pg_isready, Redis by redis-cli, a TCP port by a listening socket in
 * /proc/net/tcp(6) of the container's network namespace. An image without
 * that program (exit 126/127) counts as ready once running, as the exec
 * checks of core/plan/readiness.ts do.
 */
import { pgIsReadyCommand } from './pg-isready.js';
import type { ReadinessCheck } from './readiness.js';

export interface InContainerProbe {
  command: string[];
  ready(result: { exitCode: number; output: string }): boolean;
  /** For the health.changed event: what is run, where. */
  what: string;
}

const missingProgram = (exitCode: number) => exitCode === 126 || exitCode === 127;

/** Whether /proc/net/tcp or tcp6 text lists a socket listening (state 0A) on `port`. */
export function listensOnTcp(procNetTcp: string, port: number): boolean {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  return procNetTcp.split('\n').some((line) => {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    return local !== undefined && fields[3] === '0A' && local.toUpperCase().endsWith(`:${hex}`);
  });
}

export function inContainerProbe(check: ReadinessCheck): InContainerProbe | undefined {
  switch (check.kind) {
    case 'postgres':
      return {
        command: pgIsReadyCommand(check.containerPort, check.user, check.database),
        ready: ({ exitCode }) => exitCode === 0 || missingProgram(exitCode),
        what: `postgres accepts connections on ${check.containerPort} (pg_isready in the container)`,
      };
    case 'redis':
      return {
        command: ['redis-cli', '-p', String(check.containerPort), 'ping'],
        ready: ({ exitCode, output }) =>
          missingProgram(exitCode) || (exitCode === 0 && /PONG|NOAUTH/.test(output)),
        what: `redis answers PING on ${check.containerPort} (redis-cli in the container)`,
      };
    case 'tcp': {
      const port = check.containerPort;
      return {
        // cat exits 1 without IPv6 (no tcp6): the output still says.
        command: ['cat', '/proc/net/tcp', '/proc/net/tcp6'],
        ready: ({ exitCode, output }) => missingProgram(exitCode) || listensOnTcp(output, port),
        what: `port ${port} listens in the container (/proc/net/tcp)`,
      };
    }
    default:
      return undefined;
  }
}
