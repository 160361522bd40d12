/**
 * After interpolation every value is a string; compose casts those that the
 * specification types as booleans or numbers (`init: ${INIT:-true}`), so that
 * schema validation sees what the author meant. Only interpolated strings are cast.
 */
import type { KeyPath } from './key-path.js';

type Cast = 'boolean' | 'integer' | 'number';

/** `*` matches any key, `[]` any sequence index. */
const CASTS: [pattern: string, cast: Cast][] = [
  ['services.*.init', 'boolean'],
  ['services.*.tty', 'boolean'],
  ['services.*.stdin_open', 'boolean'],
  ['services.*.privileged', 'boolean'],
  ['services.*.read_only', 'boolean'],
  ['services.*.oom_kill_disable', 'boolean'],
  ['services.*.healthcheck.disable', 'boolean'],
  ['services.*.healthcheck.retries', 'number'],
  ['services.*.depends_on.*.required', 'boolean'],
  ['services.*.depends_on.*.restart', 'boolean'],
  ['services.*.ports.[].target', 'integer'],
  ['services.*.ports.[].published', 'integer'],
  ['services.*.volumes.[].read_only', 'boolean'],
  ['services.*.volumes.[].bind.create_host_path', 'boolean'],
  ['services.*.volumes.[].volume.nocopy', 'boolean'],
  ['services.*.volumes.[].tmpfs.size', 'integer'],
  ['services.*.scale', 'integer'],
  ['services.*.cpu_count', 'integer'],
  ['services.*.cpu_percent', 'integer'],
  ['services.*.mem_swappiness', 'integer'],
  ['services.*.oom_score_adj', 'integer'],
  ['services.*.pids_limit', 'integer'],
  ['services.*.deploy.replicas', 'integer'],
  ['services.*.deploy.restart_policy.max_attempts', 'integer'],
  ['services.*.deploy.resources.limits.pids', 'integer'],
  ['services.*.ulimits.*', 'integer'],
  ['services.*.ulimits.*.soft', 'integer'],
  ['services.*.ulimits.*.hard', 'integer'],
  ['networks.*.external', 'boolean'],
  ['networks.*.internal', 'boolean'],
  ['networks.*.attachable', 'boolean'],
  ['networks.*.enable_ipv6', 'boolean'],
  ['volumes.*.external', 'boolean'],
  ['secrets.*.external', 'boolean'],
  ['configs.*.external', 'boolean'],
];

const COMPILED = CASTS.map(([pattern, cast]) => ({ segments: pattern.split('.'), cast }));

function matches(segments: string[], path: KeyPath): boolean {
  if (segments.length !== path.length) return false;
  return segments.every((segment, index) => {
    const actual = path[index];
    if (segment === '[]') return typeof actual === 'number';
    if (segment === '*') return typeof actual === 'string';
    return segment === actual;
  });
}

export function castInterpolated(path: KeyPath, value: string): unknown {
  const rule = COMPILED.find((candidate) => matches(candidate.segments, path));
  if (!rule) return value;
  if (rule.cast === 'boolean') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    return value;
  }
  const pattern = rule.cast === 'integer' ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/;
  return pattern.test(value) ? Number(value) : value;
}
