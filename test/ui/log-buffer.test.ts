import { describe, expect, it } from 'vitest';
import { LogBuffer } from '../../src/ui/ink/log-buffer.js';
import { terminalSafe } from '../../src/ui/ink/terminal-text.js';

describe('log buffer', () => {
  it('keeps only the newest lines up to its capacity', () => {
    const logs = new LogBuffer(3);
    for (let i = 1; i <= 5; i++) logs.push('app', 'stdout', `line ${i}`);
    expect(logs.size).toBe(3);
    expect(logs.pushed).toBe(5);
    expect(logs.window({}, 10).lines.map((l) => l.text)).toEqual(['line 3', 'line 4', 'line 5']);
  });

  it('windows by service and search, from the tail or scrolled up', () => {
    const logs = new LogBuffer(100);
    for (let i = 1; i <= 10; i++)
      logs.push(i % 2 ? 'app' : 'db', 'stdout', `${i % 2 ? 'GET' : 'query'} ${i}`);
    expect(logs.window({ service: 'db' }, 2).lines.map((l) => l.text)).toEqual(['query 8', 'query 10']);
    expect(logs.window({ service: 'db' }, 2, 1)).toMatchObject({
      matched: 5,
      lines: [{ text: 'query 6' }, { text: 'query 8' }],
    });
    expect(logs.window({ search: 'get 9' }, 5).lines.map((l) => l.text)).toEqual(['GET 9']);
  });
});

describe('terminal text', () => {
  it('strips escape sequences and control characters, expands tabs, bounds the length', () => {
    expect(terminalSafe('\u001b[31mred\u001b[0m\tx\u0007\r')).toBe('red    x');
    expect(terminalSafe('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
