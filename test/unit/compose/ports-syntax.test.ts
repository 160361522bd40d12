import { describe, expect, it } from 'vitest';
import { parsePortEntry, portMergeKey } from '../../../src/core/compose/ports-syntax.js';

describe('ports short syntax', () => {
  it.each([
    ['8080', [{ target: 8080, protocol: 'tcp' }]],
    ['8080:80', [{ target: 80, published: '8080', protocol: 'tcp' }]],
    ['127.0.0.1:8080:8080', [{ target: 8080, published: '8080', hostIp: '127.0.0.1', protocol: 'tcp' }]],
    ['127.0.0.1::5432', [{ target: 5432, hostIp: '127.0.0.1', protocol: 'tcp' }]],
    ['6060:6060/udp', [{ target: 6060, published: '6060', protocol: 'udp' }]],
    ['53:53/UDP', [{ target: 53, published: '53', protocol: 'udp' }]],
    ['[::1]:8080:80', [{ target: 80, published: '8080', hostIp: '::1', protocol: 'tcp' }]],
    ['::1:8080:80', [{ target: 80, published: '8080', hostIp: '::1', protocol: 'tcp' }]],
    ['9000-9002:80', [{ target: 80, published: '9000-9002', protocol: 'tcp' }]],
    [
      '8000-8002:9000-9002',
      [
        { target: 9000, published: '8000', protocol: 'tcp' },
        { target: 9001, published: '8001', protocol: 'tcp' },
        { target: 9002, published: '8002', protocol: 'tcp' },
      ],
    ],
    [
      '127.0.0.1:8000-8001:8000-8001/udp',
      [
        { target: 8000, published: '8000', hostIp: '127.0.0.1', protocol: 'udp' },
        { target: 8001, published: '8001', hostIp: '127.0.0.1', protocol: 'udp' },
      ],
    ],
    [
      '3000-3001',
      [
        { target: 3000, protocol: 'tcp' },
        { target: 3001, protocol: 'tcp' },
      ],
    ],
  ])('%s', (entry, expected) => {
    expect(parsePortEntry(entry)).toEqual(expected);
  });

  it('accepts numbers', () => {
    expect(parsePortEntry(3000)).toEqual([{ target: 3000, protocol: 'tcp' }]);
  });

  it.each([
    [
      '8000-8010:9000-9001',
      'invalid port "8000-8010:9000-9001": host and container port ranges must have the same size',
    ],
    ['80:http', 'invalid port "80:http": container port "http" is not a port number or range'],
    ['70000:80', 'invalid port "70000:80": 70000 is out of range 1-65535'],
    ['80:80/sctp', 'invalid port "80:80/sctp": protocol "sctp" is not supported (tcp or udp)'],
    ['9:8-7', 'invalid port "9:8-7": range 8-7 ends before it starts'],
  ])('rejects %s', (entry, message) => {
    expect(() => parsePortEntry(entry)).toThrow(message);
  });
});

describe('ports long syntax', () => {
  it('keeps target, published, host_ip, protocol and name', () => {
    expect(
      parsePortEntry({
        target: 80,
        published: 8080,
        host_ip: '0.0.0.0',
        protocol: 'udp',
        name: 'web',
        mode: 'host',
      }),
    ).toEqual([{ target: 80, published: '8080', hostIp: '0.0.0.0', protocol: 'udp', name: 'web' }]);
    expect(parsePortEntry({ target: 80, published: '8000-8010' })).toEqual([
      { target: 80, published: '8000-8010', protocol: 'tcp' },
    ]);
    expect(parsePortEntry({ target: 5432 })).toEqual([{ target: 5432, protocol: 'tcp' }]);
  });
});

describe('portMergeKey', () => {
  it('is equal for the same {ip, published, target, protocol}', () => {
    expect(portMergeKey('8080:80')).toBe(portMergeKey({ target: 80, published: 8080 }));
    expect(portMergeKey('8080:80')).not.toBe(portMergeKey('8081:80'));
    expect(portMergeKey('80')).toBe(portMergeKey(80));
  });
});
