/**
 * Host ports on this machine: whether one is free, and a free one the kernel
 * picks (from the same ephemeral range the engine would use). Asked by
 * binding and closing at once; the engine binds it right after, and a port
 * taken in between is retried by the caller.
 */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import type { HostPorts } from '../../contracts/host-ports.js';
import { DevenvError } from '../../core/errors.js';

/** Binds hostIp:port (0: any) and closes; resolves with the port bound, or undefined if it could not. */
function bindOnce(hostIp: string, port: number, protocol: 'tcp' | 'udp'): Promise<number | undefined> {
  const host = hostIp === '' ? '0.0.0.0' : hostIp.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve) => {
    if (protocol === 'udp') {
      const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.once('error', () => {
        socket.close();
        resolve(undefined);
      });
      socket.bind({ address: host, port, exclusive: true }, () => {
        const bound = socket.address().port;
        socket.close(() => resolve(bound));
      });
      return;
    }
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

export const hostPorts: HostPorts = {
  async isFree(hostIp, port, protocol) {
    return (await bindOnce(hostIp, port, protocol)) === port;
  },
  async isLocalAddress(hostIp) {
    return (await bindOnce(hostIp, 0, 'tcp')) !== undefined;
  },
  async pick(hostIp, protocol) {
    const port = await bindOnce(hostIp, 0, protocol);
    if (port === undefined)
      throw new DevenvError(
        'PORT_TAKEN',
        `cannot bind ${hostIp || '0.0.0.0'} on this machine to find a free ${protocol} port`,
        {
          hint: 'Publish on an address of this machine (--host-ip, or the host IP in the template), or use --fixed-ports.',
        },
      );
    return port;
  },
};
