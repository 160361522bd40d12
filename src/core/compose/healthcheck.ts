/** `healthcheck:` -> HealthcheckSpec: durations in ms, string test -> CMD-SHELL, NONE/disable -> disabled. */
import { parseDuration } from './duration.js';
import type { KeyPath } from './key-path.js';
import type { HealthcheckSpec } from './model.js';
import {
  asBoolean,
  invalidAt,
  isMapping,
  warnUnknownKeys,
  type NormalizeContext,
} from './normalize-context.js';

const KNOWN = new Set([
  'test',
  'interval',
  'timeout',
  'retries',
  'start_period',
  'start_interval',
  'disable',
]);

const DURATIONS = [
  ['interval', 'intervalMs'],
  ['timeout', 'timeoutMs'],
  ['start_period', 'startPeriodMs'],
  ['start_interval', 'startIntervalMs'],
] as const;

export function durationAt(context: NormalizeContext, path: KeyPath, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined) {
    throw invalidAt(
      context,
      path,
      `invalid duration ${JSON.stringify(value)}: use e.g. "10s", "1m30s" or "200ms"`,
    );
  }
  return ms;
}

export function normalizeHealthcheck(
  context: NormalizeContext,
  path: KeyPath,
  value: unknown,
): HealthcheckSpec | undefined {
  if (!isMapping(value)) return undefined;
  warnUnknownKeys(context, path, value, KNOWN);
  const spec: HealthcheckSpec = { disable: asBoolean(value.disable) ?? false };
  if (typeof value.test === 'string') spec.test = ['CMD-SHELL', value.test];
  else if (Array.isArray(value.test)) spec.test = value.test.map(String);
  if (spec.test?.[0] === 'NONE') spec.disable = true;
  for (const [key, field] of DURATIONS) {
    const ms = durationAt(context, [...path, key], value[key]);
    if (ms !== undefined) spec[field] = ms;
  }
  if (value.retries !== undefined) {
    const retries = Number(value.retries);
    if (!Number.isInteger(retries) || retries < 0) {
      throw invalidAt(context, [...path, 'retries'], 'must be a whole number');
    }
    spec.retries = retries;
  }
  return spec;
}
