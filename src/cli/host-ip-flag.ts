/** `--host-ip`: an IPv4 or IPv6 address (IPv6 with or without brackets), checked before anything runs. */
import { isIP } from 'node:net';
import { DevenvError } from '../core/errors.js';

export function parseHostIp(value: string): string {
  const address = value.trim().replace(/^\[(.*)\]$/, '$1');
  if (isIP(address) === 0)
    throw new DevenvError('USAGE', `--host-ip expects an IP address, not "${value}".`, {
      hint: 'For example --host-ip 127.0.0.1 (the default), --host-ip ::1 or --host-ip 0.0.0.0.',
    });
  return address;
}
