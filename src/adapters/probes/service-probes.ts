/** The ServiceProbes port over the socket probes of this folder. */
import type { ServiceProbes } from '../../contracts/service-probes.js';
import { postgresProbe } from './postgres-probe.js';
import { redisProbe } from './redis-probe.js';
import { tcpProbe } from './tcp-probe.js';

export const socketProbes: ServiceProbes = {
  postgres: (host, port, options) => postgresProbe(host, port, options),
  redis: (host, port) => redisProbe(host, port),
  tcp: (host, port) => tcpProbe(host, port),
};
