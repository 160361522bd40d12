import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../../src/core/shell-quote.js';
import { formatDotenv } from '../../../src/ui/format-dotenv.js';

describe('shellQuote', () => {
  it('leaves safe words as written', () => {
    expect(shellQuote('feature/login-2')).toBe('feature/login-2');
    expect(shellQuote('a.b_c:d@e%f+g,h=i')).toBe('a.b_c:d@e%f+g,h=i');
  });

  it('single-quotes anything a shell would expand or split', () => {
    expect(shellQuote('$(touch pwned)')).toBe("'$(touch pwned)'");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('*')).toBe("'*'");
  });

  it('round-trips through a real shell without running anything', () => {
    for (const word of ['$(echo pwned)', '`id`', 'a\'b"c', 'x; echo no', '', '~', 'new\nline']) {
      const echoed = execFileSync('sh', ['-c', `printf '%s' ${shellQuote(word)}`], { encoding: 'utf8' });
      expect(echoed).toBe(word);
    }
  });

  it('is what devenv env uses (empty values stay KEY=)', () => {
    expect(formatDotenv({ A: 'x y', B: '', C: 'plain' })).toBe("A='x y'\nB=\nC=plain");
  });
});
