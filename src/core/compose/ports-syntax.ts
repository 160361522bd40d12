/**
 * Port mappings, short syntax `[[HOST_IP:][PUBLISHED]:]TARGET[/PROTOCOL]`
 * (ranges allowed, IPv6 hosts in brackets), bare numbers and the long syntax,
 * normalized to one PortSpec per container port.
 */
import type { PortSpec } from './model.js';
import { SyntaxProblem } from './syntax-problem.js';

/** The pieces of a port entry as written, before ranges are expanded. */
export interface PortParts {
  hostIp?: string;
  published?: string;
  target: string;
  protocol: string;
}

export function splitPortShortSyntax(raw: string): PortParts {
  let text = raw.trim();
  let protocol = 'tcp';
  const slash = text.lastIndexOf('/');
  if (slash >= 0) {
    protocol = text.slice(slash + 1).toLowerCase();
    text = text.slice(0, slash);
  }
  let hostIp: string | undefined;
  let parts: string[];
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0 || text[close + 1] !== ':')
      throw new SyntaxProblem(`invalid port "${raw}": malformed [IPv6] host`);
    hostIp = text.slice(1, close);
    parts = text.slice(close + 2).split(':');
    if (parts.length !== 2) throw new SyntaxProblem(`invalid port "${raw}": expected [IP]:PUBLISHED:TARGET`);
  } else {
    parts = text.split(':');
    if (parts.length > 3) {
      // Unbracketed IPv6 host: everything before the last two fields.
      hostIp = parts.slice(0, -2).join(':');
      parts = parts.slice(-2);
    } else if (parts.length === 3) {
      hostIp = parts.shift();
    }
  }
  const target = parts.pop() ?? '';
  const published = parts.pop();
  return {
    ...(hostIp ? { hostIp } : {}),
    ...(published ? { published } : {}),
    target,
    protocol,
  };
}

interface PortRange {
  first: number;
  last: number;
}

function parseRange(text: string, what: string, raw: string): PortRange {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match)
    throw new SyntaxProblem(`invalid port "${raw}": ${what} "${text}" is not a port number or range`);
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  for (const port of [first, last]) {
    if (port < 1 || port > 65535)
      throw new SyntaxProblem(`invalid port "${raw}": ${port} is out of range 1-65535`);
  }
  if (last < first) throw new SyntaxProblem(`invalid port "${raw}": range ${text} ends before it starts`);
  return { first, last };
}

function parseProtocol(protocol: string, raw: string): 'tcp' | 'udp' {
  if (protocol === 'tcp' || protocol === 'udp') return protocol;
  throw new SyntaxProblem(`invalid port "${raw}": protocol "${protocol}" is not supported (tcp or udp)`);
}

/** Expands one mapping; equal-size host and container ranges pair up port by port. */
function expand(parts: PortParts, raw: string, name?: string): PortSpec[] {
  const protocol = parseProtocol(parts.protocol, raw);
  const target = parseRange(parts.target, 'container port', raw);
  const published = parts.published === undefined ? undefined : parseRange(parts.published, 'host port', raw);
  const base = {
    protocol,
    ...(parts.hostIp ? { hostIp: parts.hostIp } : {}),
    ...(name ? { name } : {}),
  };
  const targetSize = target.last - target.first;
  if (targetSize === 0) {
    return [
      { target: target.first, ...(parts.published ? { published: parts.published.trim() } : {}), ...base },
    ];
  }
  if (published && published.last - published.first !== targetSize) {
    throw new SyntaxProblem(`invalid port "${raw}": host and container port ranges must have the same size`);
  }
  const specs: PortSpec[] = [];
  for (let offset = 0; offset <= targetSize; offset++) {
    specs.push({
      target: target.first + offset,
      ...(published ? { published: String(published.first + offset) } : {}),
      ...base,
    });
  }
  return specs;
}

/** One `ports:` entry (number, short string or long mapping) -> PortSpecs. */
export function parsePortEntry(entry: unknown): PortSpec[] {
  if (typeof entry === 'number') return expand({ target: String(entry), protocol: 'tcp' }, String(entry));
  if (typeof entry === 'string') return expand(splitPortShortSyntax(entry), entry);
  if (entry !== null && typeof entry === 'object') {
    const long = entry as Record<string, unknown>;
    const raw = JSON.stringify(entry);
    if (long.target === undefined) throw new SyntaxProblem(`invalid port ${raw}: "target" is required`);
    const parts: PortParts = {
      target: String(long.target),
      protocol: typeof long.protocol === 'string' ? long.protocol.toLowerCase() : 'tcp',
      ...(long.published !== undefined && long.published !== '' ? { published: String(long.published) } : {}),
      ...(typeof long.host_ip === 'string' && long.host_ip !== '' ? { hostIp: long.host_ip } : {}),
    };
    return expand(parts, raw, typeof long.name === 'string' ? long.name : undefined);
  }
  throw new SyntaxProblem(`invalid port ${JSON.stringify(entry)}`);
}

/** The Compose Specification's merge key for ports: {ip, target, published, protocol}. */
export function portMergeKey(entry: unknown): string {
  try {
    let parts: PortParts;
    if (typeof entry === 'number') parts = { target: String(entry), protocol: 'tcp' };
    else if (typeof entry === 'string') parts = splitPortShortSyntax(entry);
    else {
      const long = (entry ?? {}) as Record<string, unknown>;
      parts = {
        target: String(long.target),
        protocol: typeof long.protocol === 'string' ? long.protocol : 'tcp',
        ...(long.published !== undefined ? { published: String(long.published) } : {}),
        ...(typeof long.host_ip === 'string' ? { hostIp: long.host_ip } : {}),
      };
    }
    return [parts.hostIp ?? '', parts.published ?? '', parts.target, parts.protocol.toLowerCase()].join('|');
  } catch {
    return JSON.stringify(entry);
  }
}
