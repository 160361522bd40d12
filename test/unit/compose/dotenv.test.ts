import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../../src/core/compose/dotenv.js';
import { errorOf } from './resolve-text.js';

describe('parseDotenv', () => {
  it('reads KEY=value lines, export, comments and blank lines', () => {
    const text = [
      '# a comment',
      '',
      'A=1',
      'export B=two',
      '  C = spaced value  ',
      'D=',
      'E=with # inline comment',
      'F=no#comment',
      'G= # only a comment',
      'dotted.key-name=ok',
    ].join('\n');
    expect(parseDotenv(text)).toEqual({
      A: '1',
      B: 'two',
      C: 'spaced value',
      D: '',
      E: 'with',
      F: 'no#comment',
      G: '',
      'dotted.key-name': 'ok',
    });
  });

  it('reads single and double quotes', () => {
    const text = [
      `S='literal $A \\n # not a comment'`,
      `D="line1\\nline2 \\"q\\" \\\\ \\$A"`,
      `M="multi`,
      `line" # trailing comment`,
      `Q='x' `,
    ].join('\n');
    expect(parseDotenv(text, { lookup: () => 'shell' })).toEqual({
      S: 'literal $A \\n # not a comment',
      D: 'line1\nline2 "q" \\ $A',
      M: 'multi\nline',
      Q: 'x',
    });
  });

  it('interpolates unquoted and double-quoted values against earlier values, then the lookup', () => {
    const shell: Record<string, string> = { HOME: '/home/dev', A: 'from-shell' };
    const text = 'A=1\nB=${A}-$HOME\nC="${MISSING:-fallback}"\nD=\'${A}\'';
    expect(parseDotenv(text, { lookup: (name) => shell[name] })).toEqual({
      A: '1',
      B: '1-/home/dev',
      C: 'fallback',
      D: '${A}',
    });
    expect(parseDotenv(text, { lookup: (name) => shell[name], precedence: 'lookup' }).B).toBe(
      'from-shell-/home/dev',
    );
  });

  it('takes a bare KEY from the lookup, or leaves it out', () => {
    expect(parseDotenv('HOME\nNOPE\n', { lookup: (name) => (name === 'HOME' ? '/h' : undefined) })).toEqual({
      HOME: '/h',
    });
  });

  it('reports bad lines with file and line', () => {
    const error = errorOf(() => parseDotenv('A=1\n=oops\n', { file: '.env' }));
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message).toBe('.env:2: invalid line "=oops": expected KEY=value');
    expect(errorOf(() => parseDotenv('A=1\nB="open\n', { file: 'x.env' })).message).toBe(
      'x.env:2: unterminated " quote in value of B',
    );
    const interpolation = errorOf(() =>
      parseDotenv('A=1\nB=${A:?need A}\nC=${NOPE:?need NOPE}', { file: '.env' }),
    );
    expect(interpolation.code).toBe('COMPOSE_INTERPOLATION');
    expect(interpolation.message).toBe('.env:3: required variable NOPE is missing a value: need NOPE');
  });
});
