import { describe, expect, it } from 'vitest';
import {
  isSelectorValue,
  MAX_SELECTOR_VALUE,
  selectorValue,
} from '../../../src/core/stack/selector-value.js';
import { randomStrings } from '../../support/random-strings.js';

/** Kubernetes' own rule for label values, written independently of the validator under test. */
const kubernetesLabelValue = (value: string) =>
  value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);

describe('selector values', () => {
  it.each([
    ['main', true],
    ['', true],
    ['a', true],
    ['9', true],
    ['Feature.X_1-2', true],
    ['a'.repeat(MAX_SELECTOR_VALUE), true],
    ['a'.repeat(MAX_SELECTOR_VALUE + 1), false],
    ['feature/x', false],
    ['-a', false],
    ['a-', false],
    ['_a', false],
    ['a_', false],
    ['.a', false],
    ['a.', false],
    ['a b', false],
    ['a:b', false],
    ['2030-01-01T00:00:00.000Z', false],
    ['/home/alice/app', false],
    ['café', false],
    ['a\nb', false],
  ])('%j valid: %s', (value, valid) => {
    expect(isSelectorValue(value)).toBe(valid);
    expect(kubernetesLabelValue(value)).toBe(valid);
  });

  it.each([
    ['main', 'main'],
    ['alice', 'alice'],
    ['release-1.2', 'release-1.2'],
  ])('keeps %j, already valid, as it is', (value, expected) => {
    expect(selectorValue(value)).toBe(expected);
  });

  it.each([
    ['feature/x', /^feature-x-[0-9a-f]{8}$/],
    ['Feature/JIRA-12/fix it!', /^Feature-JIRA-12-fix-it-[0-9a-f]{8}$/],
    ['/home/alice/app', /^home-alice-app-[0-9a-f]{8}$/],
    ['-x-', /^x-[0-9a-f]{8}$/],
    ['///', /^[0-9a-f]{8}$/],
    ['ünïcödé', /^n-c-d-[0-9a-f]{8}$/],
    ['DOMAIN\\alice', /^DOMAIN-alice-[0-9a-f]{8}$/],
  ])('makes %j valid, readable, with a hash of the whole value', (value, expected) => {
    expect(selectorValue(value)).toMatch(expected);
  });

  it('bounds a long value and keeps long values that differ only at the end apart', () => {
    const a = selectorValue(`${'b'.repeat(200)}/a`);
    const b = selectorValue(`${'b'.repeat(200)}/b`);
    expect(a.length).toBe(MAX_SELECTOR_VALUE);
    expect(a).not.toBe(b);
    expect(selectorValue('x'.repeat(64))).toMatch(/^x{54}-[0-9a-f]{8}$/);
  });

  it('keeps values that read alike once changed apart', () => {
    expect(selectorValue('feature/x')).not.toBe(selectorValue('feature x'));
    expect(selectorValue('feature/x')).not.toBe(selectorValue('feature-x'));
  });

  it('for any string: a valid value, the same for the same string, the value itself when valid', () => {
    const problems: string[] = [];
    const seen = new Map<string, string>();
    for (const value of randomStrings(1500, 0x5eed)) {
      const selector = selectorValue(value);
      const say = (what: string) =>
        problems.push(`${JSON.stringify(value)} -> ${JSON.stringify(selector)}: ${what}`);
      if (!kubernetesLabelValue(selector) || !isSelectorValue(selector)) say('not valid');
      if (selectorValue(value) !== selector) say('not stable');
      if (selectorValue(selector) !== selector) say('changed when valid');
      if (isSelectorValue(value) !== kubernetesLabelValue(value)) say('validator disagrees with Kubernetes');
      if (isSelectorValue(value) && selector !== value) say('changed a valid value');
      const earlier = seen.get(selector);
      if (earlier !== undefined && earlier !== value) say(`same as for ${JSON.stringify(earlier)}`);
      seen.set(selector, value);
    }
    expect(problems).toEqual([]);
  });
});
