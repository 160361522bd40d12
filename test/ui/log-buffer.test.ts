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

describe('log buffer bytes', () => {
  it('never returns a line whose bytes were overwritten, over many wraps of lines of every size', () => {
    // A seeded generator: the same lines every run.
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const logs = new LogBuffer(50, 4096);
    const pushed: { service: string; stream: string; text: string }[] = [];
    for (let i = 0; i < 3000; i++) {
      const length = Math.floor(random() * (random() < 0.1 ? 900 : 80));
      const text = random() < 0.05 ? '' : `${i}:` + 'é✓x'.repeat(length).slice(0, length);
      const line = {
        service: random() < 0.5 ? 'app' : 'db',
        stream: random() < 0.2 ? 'stderr' : 'stdout',
        text,
      };
      logs.push(line.service, line.stream as 'stdout' | 'stderr', line.text);
      pushed.push(line);
      const { lines, matched } = logs.window({}, 50);
      expect(matched).toBe(logs.size);
      // The newest lines, in order, each exactly as pushed.
      expect(lines.map((l) => l.seq)).toEqual(
        pushed.slice(-lines.length).map((_, k) => i + 1 - lines.length + k),
      );
      for (const entry of lines) expect(entry).toMatchObject(pushed[entry.seq] as object);
    }
    expect(logs.pushed).toBe(3000);
  }, 60_000); // CPU-bound (many wraps): a budget for a loaded machine, not a timing assertion

  it('holds as many lines as its slots when lines are short, and fewer when their bytes run out', () => {
    const short = new LogBuffer(100, 4096);
    for (let i = 0; i < 1000; i++) short.push('app', 'stdout', `line ${i}`);
    expect(short.size).toBe(100);
    const long = new LogBuffer(100, 4096);
    for (let i = 0; i < 1000; i++) long.push('app', 'stdout', `${i}`.padEnd(1000, '.'));
    expect(long.size).toBeGreaterThanOrEqual(3);
    expect(long.size).toBeLessThanOrEqual(4);
    expect(long.window({}, 1).lines[0]?.text.startsWith('999.')).toBe(true);
  });

  it('filters by service without decoding, and an unknown service matches nothing', () => {
    const logs = new LogBuffer(10);
    logs.push('app', 'stderr', 'boom');
    expect(logs.window({ service: 'db' }, 5)).toEqual({ lines: [], matched: 0 });
    expect(logs.window({ service: 'app' }, 5).lines).toEqual([
      { seq: 0, service: 'app', stream: 'stderr', text: 'boom' },
    ]);
  });
});

describe('terminal text', () => {
  it('strips escape sequences and control characters, expands tabs, bounds the length', () => {
    expect(terminalSafe('\u001b[31mred\u001b[0m\tx\u0007\r')).toBe('red    x');
    expect(terminalSafe('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
