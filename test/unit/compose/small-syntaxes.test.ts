import { describe, expect, it } from 'vitest';
import { parseByteSize } from '../../../src/core/compose/byte-size.js';
import { parseDuration } from '../../../src/core/compose/duration.js';
import { listOrDictToMap } from '../../../src/core/compose/list-or-dict.js';
import { projectNameFromDirectory } from '../../../src/core/compose/project-name.js';
import { splitShellWords } from '../../../src/core/compose/shell-words.js';

describe('parseDuration', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['200ms', 200],
    ['1.5s', 1500],
    ['2h', 7_200_000],
    ['1h1m1s1ms', 3_661_001],
    ['500us', 0.5],
    ['0', 0],
    ['0s', 0],
  ])('%s -> %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['10', '1x', 's', '', '1m 30s', '-1s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('splitShellWords', () => {
  it.each([
    ['npm run dev', ['npm', 'run', 'dev']],
    ['  a   b  ', ['a', 'b']],
    [`sh -c 'echo "hi there" && sleep 1'`, ['sh', '-c', 'echo "hi there" && sleep 1']],
    [`echo "a \\"quoted\\" word" 'single $x'`, ['echo', 'a "quoted" word', 'single $x']],
    [`a\\ b c`, ['a b', 'c']],
    [`--flag="x y"z`, ['--flag=x yz']],
    [`''`, ['']],
    ['', []],
  ])('%s', (text, words) => {
    expect(splitShellWords(text)).toEqual(words);
  });

  it('rejects unterminated quotes', () => {
    expect(() => splitShellWords(`echo 'oops`)).toThrow(`unterminated single quote in "echo 'oops"`);
    expect(() => splitShellWords(`echo "oops`)).toThrow(`unterminated double quote in "echo "oops"`);
  });
});

describe('parseByteSize', () => {
  it('reads binary units', () => {
    expect(parseByteSize('64m')).toBe(67_108_864);
    expect(parseByteSize('1g')).toBe(1_073_741_824);
    expect(parseByteSize('512kb')).toBe(524_288);
    expect(parseByteSize('100')).toBe(100);
    expect(parseByteSize(42)).toBe(42);
    expect(parseByteSize('lots')).toBeUndefined();
  });
});

describe('listOrDictToMap', () => {
  it('reads both forms', () => {
    expect(listOrDictToMap(['A=1', 'B', 'C=x=y', 'D='])).toEqual({ A: '1', B: null, C: 'x=y', D: '' });
    expect(listOrDictToMap({ A: 1, B: null, C: true, D: 'd' })).toEqual({
      A: '1',
      B: null,
      C: 'true',
      D: 'd',
    });
  });
});

describe('projectNameFromDirectory', () => {
  it('sanitizes like compose', () => {
    expect(projectNameFromDirectory('My Project.v2')).toBe('myprojectv2');
    expect(projectNameFromDirectory('_-web_app-1')).toBe('web_app-1');
    expect(projectNameFromDirectory('Ünïcode')).toBe('ncode');
  });
});

