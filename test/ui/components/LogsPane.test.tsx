import { describe, expect, it } from 'vitest';
import { LogsPane } from '../../../src/ui/ink/components/LogsPane.js';
import { LogBuffer } from '../../../src/ui/ink/log-buffer.js';
import { frameOf } from './render.js';

function buffer(count: number, capacity = 100) {
  const logs = new LogBuffer(capacity);
  for (let i = 1; i <= count; i++) logs.push(i % 3 ? 'app' : 'postgres', 'stdout', `line ${i}`);
  return logs;
}
const services = ['app', 'postgres'];

describe('LogsPane', () => {
  it('interleaves all services with a prefix and follows the tail', () => {
    const lines = frameOf(
      <LogsPane
        logs={buffer(10)}
        version={10}
        services={services}
        search=""
        scroll={0}
        width={60}
        height={4}
      />,
    ).split('\n');
    expect(lines).toEqual([
      `─ logs: all services · following ${'─'.repeat(27)}`,
      'app      | line 8',
      'postgres | line 9',
      'app      | line 10',
    ]);
  });

  it('shows one service without a prefix', () => {
    const frame = frameOf(
      <LogsPane
        logs={buffer(10)}
        version={10}
        services={services}
        service="postgres"
        search=""
        scroll={0}
        width={60}
        height={3}
      />,
    );
    expect(frame.split('\n').slice(1)).toEqual(['line 6', 'line 9']);
    expect(frame).toContain('logs: postgres');
  });

  it('filters by the search and says how many lines matched', () => {
    const frame = frameOf(
      <LogsPane
        logs={buffer(20)}
        version={20}
        services={services}
        search="line 1"
        scroll={0}
        width={80}
        height={4}
      />,
    );
    expect(frame).toContain('search "line 1" (11 lines)');
    expect(frame.split('\n').slice(1)).toEqual([
      'app      | line 17',
      'postgres | line 18',
      'app      | line 19',
    ]);
  });

  it('scrolls up (bounded by the buffer) and says how to follow again', () => {
    const frame = frameOf(
      <LogsPane
        logs={buffer(10)}
        version={10}
        services={services}
        search=""
        scroll={1000}
        width={60}
        height={3}
      />,
    );
    expect(frame.split('\n').slice(1)).toEqual(['app      | line 1', 'app      | line 2']);
    expect(frame).toContain('8 lines up — G follows');
  });

  it('says the scrollback is bounded, and when there is nothing yet', () => {
    expect(
      frameOf(
        <LogsPane
          logs={buffer(10, 5)}
          version={10}
          services={services}
          search=""
          scroll={0}
          width={80}
          height={2}
        />,
      ),
    ).toContain('last 5 kept');
    expect(
      frameOf(
        <LogsPane
          logs={buffer(0)}
          version={0}
          services={services}
          search=""
          scroll={0}
          width={60}
          height={2}
        />,
      ),
    ).toContain('no log lines yet');
  });
});
