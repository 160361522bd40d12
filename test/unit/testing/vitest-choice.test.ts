import { describe, expect, it } from 'vitest';
import { chooseVitest, majorOf } from '../../../src/adapters/vitest/vitest-choice.js';

describe('choosing which vitest to drive', () => {
  it("uses the project's vitest 3 or 4", () => {
    expect(chooseVitest({ installed: true, version: '3.2.4', hasNodeEntry: true })).toEqual({
      use: 'project',
      major: 3,
    });
    expect(chooseVitest({ installed: true, version: '4.0.0-beta.3', hasNodeEntry: true })).toEqual({
      use: 'project',
      major: 4,
    });
  });

  it("uses devenv's own, saying why, when the project has none, an unsupported major or no Node API", () => {
    expect(chooseVitest({ installed: false })).toEqual({
      use: 'devenv',
      reason: 'the project has no vitest installed',
    });
    expect(chooseVitest({ installed: true, version: '2.1.9', hasNodeEntry: true })).toEqual({
      use: 'devenv',
      reason: "the project's vitest 2.1.9 is not supported (devenv drives vitest 3 and 4)",
    });
    expect(chooseVitest({ installed: true, version: '5.0.0', hasNodeEntry: true })).toMatchObject({
      use: 'devenv',
    });
    expect(chooseVitest({ installed: true, version: 'unknown', hasNodeEntry: true })).toMatchObject({
      use: 'devenv',
    });
    expect(chooseVitest({ installed: true, version: '3.2.4', hasNodeEntry: false })).toEqual({
      use: 'devenv',
      reason: `the project's vitest 3.2.4 has no "vitest/node" export (its install may be incomplete)`,
    });
  });

  it('reads the major of a version', () => {
    expect(majorOf('3.2.4')).toBe(3);
    expect(majorOf('v4.1.0')).toBe(4);
    expect(majorOf('10.0.0-rc.1')).toBe(10);
    expect(majorOf('latest')).toBeUndefined();
  });
});
