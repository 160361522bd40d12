import { describe, expect, it } from 'vitest';
import { pullWanted } from '../../../src/core/plan/pull-decision.js';

const now = Date.parse('2030-01-10T12:00:00Z');
const local = (lastTaggedAt?: string) => (lastTaggedAt === undefined ? {} : { lastTaggedAt });

describe('pull_policy decisions', () => {
  it('missing (the default) pulls only an absent image; always pulls; never and build never pull', () => {
    expect(pullWanted(undefined, undefined, now)).toBe(true);
    expect(pullWanted(undefined, local(), now)).toBe(false);
    expect(pullWanted({ policy: 'missing' }, local(), now)).toBe(false);
    expect(pullWanted({ policy: 'always' }, local('2030-01-10T11:59:00Z'), now)).toBe(true);
    expect(pullWanted({ policy: 'never' }, undefined, now)).toBe(false);
    expect(pullWanted({ policy: 'build' }, undefined, now)).toBe(false);
  });

  it('daily, weekly and every_N pull when the local image was last pulled longer ago, or never here', () => {
    const daily = { policy: 'refresh' as const, written: 'daily', everyMs: 86_400_000 };
    expect(pullWanted(daily, local('2030-01-10T00:00:00Z'), now)).toBe(false);
    expect(pullWanted(daily, local('2030-01-09T11:00:00Z'), now)).toBe(true);
    expect(pullWanted(daily, local(), now)).toBe(true);
    expect(pullWanted(daily, undefined, now)).toBe(true);
    const weekly = { policy: 'refresh' as const, written: 'weekly', everyMs: 7 * 86_400_000 };
    expect(pullWanted(weekly, local('2030-01-09T11:00:00Z'), now)).toBe(false);
  });
});
