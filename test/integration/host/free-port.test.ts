/** The host-port adapter against this machine's real sockets. */
import { createSocket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { hostPorts } from '../../../src/adapters/host/free-port.js';

const listen = (port = 0) =>
  new Promise<Server>((resolve) => {
    const server = createServer();
    server.listen({ host: '127.0.0.1', port }, () => resolve(server));
  });
const portOf = (server: Server) => (server.address() as { port: number }).port;

describe('host ports on this machine', () => {
  it('sees a port taken by a listener, and free again after it closed', async () => {
    const server = await listen();
    const port = portOf(server);
    expect(await hostPorts.isFree('127.0.0.1', port, 'tcp')).toBe(false);
    await new Promise((resolve) => server.close(resolve));
    expect(await hostPorts.isFree('127.0.0.1', port, 'tcp')).toBe(true);
  });

  it('picks a port that can be bound, for tcp and for udp', async () => {
    const tcp = await hostPorts.pick('127.0.0.1', 'tcp');
    const server = await listen(tcp);
    expect(portOf(server)).toBe(tcp);
    await new Promise((resolve) => server.close(resolve));

    const udp = await hostPorts.pick('127.0.0.1', 'udp');
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(udp, '127.0.0.1', resolve));
    expect(await hostPorts.isFree('127.0.0.1', udp, 'udp')).toBe(false);
    socket.close();
  });
});
