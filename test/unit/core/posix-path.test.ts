import { describe, expect, it } from 'vitest';
import { insideRelativePosix, relativePosix, toPosix } from '../../../src/core/paths/posix-path.js';

describe('project-relative POSIX paths', () => {
  it('relates absolute and root-relative files to the root', () => {
    expect(relativePosix('/p', '/p/src/a.ts')).toBe('src/a.ts');
    expect(relativePosix('/p', 'src/a.ts')).toBe('src/a.ts');
    expect(relativePosix('/p', '/p')).toBe('');
    expect(toPosix('src/a.ts')).toBe('src/a.ts');
  });

  it('says undefined for a file outside the root', () => {
    expect(insideRelativePosix('/p', '/p/x/y')).toBe('x/y');
    expect(insideRelativePosix('/p', '/p')).toBe('');
    expect(insideRelativePosix('/p', '/q/x')).toBeUndefined();
    expect(insideRelativePosix('/p', '/p/../q')).toBeUndefined();
  });
});
