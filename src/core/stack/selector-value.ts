/**
 * Selector values: what a label devenv selects by may hold. The rules are
 * Kubernetes' label values, the strictest of the engines devenv may drive
 * (Docker accepts any string): at most 63 characters of letters, digits, "-",
 * "_" and ".", beginning and ending with a letter or digit, or empty.
 */
import { shortHash } from './identity.js';

export const MAX_SELECTOR_VALUE = 63;

const SELECTOR_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** The length of the hash selectorValue appends to a value it had to change. */
export const SELECTOR_HASH_LENGTH = 8;

export function isSelectorValue(value: string): boolean {
  return value.length <= MAX_SELECTOR_VALUE && SELECTOR_VALUE.test(value);
}

/**
 * A valid selector value for any string: the value itself when it is one
 * (`main`, `alice`), else its characters made valid, bounded, and a short hash
 * of the whole value appended (`feature/x` -> `feature-x-1a2b3c4d`), so values
 * that read alike once changed (`feature/x`, `feature x`) stay apart.
 */
export function selectorValue(value: string): string {
  if (isSelectorValue(value)) return value;
  const hash = shortHash(value, SELECTOR_HASH_LENGTH);
  const readable = value
    .replace(/[^-A-Za-z0-9_.]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, MAX_SELECTOR_VALUE - SELECTOR_HASH_LENGTH - 1)
    .replace(/[^A-Za-z0-9]+$/, '');
  return readable ? `${readable}-${hash}` : hash;
}
