/**
 * Service volume entries: short syntax `[SOURCE:]TARGET[:MODE]` (a SOURCE
 * starting with `.`, `/` or `~` is a host path, otherwise a volume name; a
 * lone TARGET is an anonymous volume) and the long syntax, normalized to
 * ServiceVolumeSpec with absolute host paths. Also `tmpfs:` entries.
 */
import { posix } from 'node:path';
import { parseByteSize } from './byte-size.js';
import type { ServiceVolumeSpec } from './model.js';
import { SyntaxProblem } from './syntax-problem.js';

export interface HostPaths {
  /** Absolute directory relative host paths resolve against. */
  workingDir: string;
  /** Home directory for `~`, when known. */
  home?: string;
}

const MODES = new Set([
  'ro',
  'rw',
  'z',
  'Z',
  'nocopy',
  'cached',
  'delegated',
  'consistent',
  'shared',
  'slave',
  'private',
  'rshared',
  'rslave',
  'rprivate',
]);

function isHostPath(source: string): boolean {
  return source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
}

export function resolveHostPath(source: string, paths: HostPaths): string {
  if (source === '~' || source.startsWith('~/')) {
    if (paths.home === undefined) throw new SyntaxProblem(`cannot resolve "${source}": HOME is not set`);
    return posix.join(paths.home, source.slice(1));
  }
  return posix.resolve(paths.workingDir, source);
}

function checkTarget(target: string, raw: string): string {
  if (!target.startsWith('/')) {
    throw new SyntaxProblem(`invalid volume "${raw}": the container path "${target}" must be absolute`);
  }
  return target;
}

function parseShort(raw: string, paths: HostPaths): ServiceVolumeSpec {
  const parts = raw.split(':');
  if (parts.length === 1) return { type: 'volume', target: checkTarget(raw, raw), readOnly: false };
  if (parts.length > 3) throw new SyntaxProblem(`invalid volume "${raw}": expected SOURCE:TARGET[:MODE]`);
  const [source = '', target = '', mode = ''] = parts;
  if (source === '') throw new SyntaxProblem(`invalid volume "${raw}": empty source`);
  const options = mode === '' ? [] : mode.split(',');
  const unknown = options.find((option) => !MODES.has(option));
  if (unknown !== undefined) throw new SyntaxProblem(`invalid volume "${raw}": unknown mode "${unknown}"`);
  const readOnly = options.includes('ro');
  checkTarget(target, raw);
  if (isHostPath(source)) {
    return { type: 'bind', source: resolveHostPath(source, paths), target, readOnly, createHostPath: true };
  }
  return {
    type: 'volume',
    source,
    target,
    readOnly,
    ...(options.includes('nocopy') ? { noCopy: true } : {}),
  };
}

function parseTmpfsMode(value: unknown, raw: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[0-7]+$/.test(value)) return parseInt(value, 8);
  throw new SyntaxProblem(`invalid tmpfs mode in ${raw}: expected an octal number`);
}

function parseTmpfsSize(value: unknown, raw: string): number | undefined {
  if (value === undefined) return undefined;
  const size = typeof value === 'string' || typeof value === 'number' ? parseByteSize(value) : undefined;
  if (size === undefined)
    throw new SyntaxProblem(`invalid tmpfs size in ${raw}: expected bytes or e.g. "64m"`);
  return size;
}

function parseLong(entry: Record<string, unknown>, paths: HostPaths): ServiceVolumeSpec {
  const raw = JSON.stringify(entry);
  const type = entry.type;
  if (typeof entry.target !== 'string')
    throw new SyntaxProblem(`invalid volume ${raw}: "target" is required`);
  const target = checkTarget(entry.target, raw);
  const readOnly = entry.read_only === true;
  const source = typeof entry.source === 'string' && entry.source !== '' ? entry.source : undefined;
  const section = (key: string): Record<string, unknown> => (entry[key] ?? {}) as Record<string, unknown>;
  switch (type) {
    case 'volume':
      return {
        type: 'volume',
        ...(source ? { source } : {}),
        target,
        readOnly,
        ...(section('volume').nocopy === true ? { noCopy: true } : {}),
      };
    case 'bind':
      if (!source) throw new SyntaxProblem(`invalid volume ${raw}: a bind mount needs "source"`);
      return {
        type: 'bind',
        source: resolveHostPath(source, paths),
        target,
        readOnly,
        createHostPath: section('bind').create_host_path === true,
      };
    case 'tmpfs': {
      const tmpfs = section('tmpfs');
      const sizeBytes = parseTmpfsSize(tmpfs.size, raw);
      const mode = parseTmpfsMode(tmpfs.mode, raw);
      return {
        type: 'tmpfs',
        target,
        ...(sizeBytes !== undefined ? { sizeBytes } : {}),
        ...(mode !== undefined ? { mode } : {}),
      };
    }
    default:
      throw new SyntaxProblem(
        `volume type "${String(type)}" is not supported by devenv (volume, bind or tmpfs)`,
      );
  }
}

/** One `volumes:` entry of a service -> ServiceVolumeSpec. */
export function parseServiceVolume(entry: unknown, paths: HostPaths): ServiceVolumeSpec {
  if (typeof entry === 'string') return parseShort(entry, paths);
  if (entry !== null && typeof entry === 'object') return parseLong(entry as Record<string, unknown>, paths);
  throw new SyntaxProblem(`invalid volume ${JSON.stringify(entry)}`);
}

/** One `tmpfs:` entry of a service: "/path" or "/path:size=64m,mode=1777". */
export function parseTmpfsEntry(entry: string): ServiceVolumeSpec {
  const colon = entry.indexOf(':');
  const target = checkTarget(colon < 0 ? entry : entry.slice(0, colon), entry);
  const options = new Map(
    (colon < 0 ? '' : entry.slice(colon + 1))
      .split(',')
      .filter((option) => option !== '')
      .map((option) => {
        const [key = '', value = ''] = option.split('=');
        return [key, value] as const;
      }),
  );
  const sizeBytes = parseTmpfsSize(options.get('size'), entry);
  const mode = parseTmpfsMode(options.get('mode'), entry);
  return {
    type: 'tmpfs',
    target,
    ...(sizeBytes !== undefined ? { sizeBytes } : {}),
    ...(mode !== undefined ? { mode } : {}),
  };
}

/** The container path of a `volumes:` entry: the Compose Specification's merge key. */
export function volumeTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    return parts.length === 1 ? parts[0] : parts[1];
  }
  if (entry !== null && typeof entry === 'object') {
    const target = (entry as Record<string, unknown>).target;
    return typeof target === 'string' ? target : undefined;
  }
  return undefined;
}
