import { describe, expect, it } from 'vitest';
import type { DevenvEvent } from '../../../src/app/events.js';
import { colorEnabled, palette } from '../../../src/ui/colors.js';
import { plainRenderer } from '../../../src/ui/plain/plain-renderer.js';

function render(events: DevenvEvent[], secrets: string[] = []): string[] {
  const lines: string[] = [];
  const renderer = plainRenderer({
    write: (line) => lines.push(line),
    palette: palette(false),
    secrets: () => secrets,
  });
  for (const event of events) renderer(event);
  return lines;
}

describe('plain renderer while attached', () => {
  it('prints an error event with its hint, secrets masked', () => {
    expect(
      render(
        [
          {
            type: 'error',
            time: 0,
            code: 'ENGINE_UNREACHABLE',
            message: 'The Docker engine at tcp://u:hunter22@host does not answer',
            hint: 'Start the engine; devenv keeps trying.',
          },
        ],
        ['hunter22'],
      ),
    ).toEqual([
      'error   The Docker engine at tcp://u:****@host does not answer',
      '        Start the engine; devenv keeps trying.',
    ]);
  });

  it('says when the engine answers again', () => {
    expect(render([{ type: 'engine.reconnected', time: 0, service: 'redis' }])).toEqual([
      'note    engine answers again; following redis',
    ]);
  });
});

describe('plain renderer for the Postgres data cache', () => {
  const base = { type: 'data.cache', time: 0, service: 'postgres', durationMs: 310 } as const;

  it('says where the data directory came from, or why the cache was not used', () => {
    const lines = render([
      { ...base, outcome: 'restored', placement: 'volume', cache: 'devenv-cache/postgres-data:ab' },
      { ...base, outcome: 'built', placement: 'container', durationMs: 4200 },
      { ...base, outcome: 'skipped', placement: 'volume', reason: 'volume s_pgdata existed before this up' },
    ]);
    expect(lines.map((line) => line.replace(/^postgres\s+/, ''))).toEqual([
      'data directory restored from cache into its volume in 0.31 s (same image, settings and init scripts)',
      "data directory initialized once and cached, then restored into its container's filesystem (4.20 s)",
      'data directory cache not used (volume s_pgdata existed before this up); initializing normally',
    ]);
  });
});

describe('plain renderer for down', () => {
  const removed = (counts: { containers: number; networks: number; volumes: number; volumesKept: number }) =>
    render([{ type: 'stack.removed', time: 0, stack: 's', durationMs: 1200, ...counts }]);

  it('says it found nothing when the stack has no objects on the engine', () => {
    expect(removed({ containers: 0, networks: 0, volumes: 0, volumesKept: 0 })).toEqual([
      'Nothing to remove: no containers, networks or volumes of stack s on this engine (`devenv ls` lists the stacks there).',
    ]);
  });

  it('counts what it removed otherwise, also when only volumes were left', () => {
    expect(removed({ containers: 2, networks: 1, volumes: 0, volumesKept: 1 })).toEqual([
      '✔ stack s removed: 2 containers, 1 networks, 0 volumes (1.2 s)',
    ]);
    expect(removed({ containers: 0, networks: 0, volumes: 0, volumesKept: 1 })[0]).toMatch(
      /^✔ stack s removed/,
    );
  });
});

describe('colour decision', () => {
  it('follows NO_COLOR, then FORCE_COLOR, then a terminal that is not dumb', () => {
    expect(colorEnabled({}, true)).toBe(true);
    expect(colorEnabled({}, false)).toBe(false);
    expect(colorEnabled({ TERM: 'dumb' }, true)).toBe(false);
    expect(colorEnabled({ TERM: 'dumb', FORCE_COLOR: '1' }, true)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorEnabled({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorEnabled({ NO_COLOR: '' }, true)).toBe(true);
  });
});

describe('plain renderer: which vitest runs the tests', () => {
  it("names the project's vitest, and devenv's own with the reason", () => {
    expect(
      render([
        {
          type: 'test.runner',
          time: 0,
          name: 'vitest',
          version: '3.2.4',
          source: 'project',
          location: '/p/node_modules/vitest',
        },
        {
          type: 'test.runner',
          time: 0,
          name: 'vitest',
          version: '4.1.12',
          source: 'devenv',
          location: '/devenv/node_modules/vitest',
          reason: 'the project has no vitest installed',
        },
      ]),
    ).toEqual([
      "test    tests run with vitest 3.2.4 (the project's)",
      "test    tests run with vitest 4.1.12 (devenv's own: the project has no vitest installed)",
    ]);
  });
});

describe('plain renderer for test runs that crash or stall', () => {
  it('prints the error outside tests with its files, and a run with files not run as failed', () => {
    expect(
      render(
        [
          {
            type: 'test.run.error',
            time: 0,
            runId: 'run-2',
            kind: 'crash',
            message:
              'a test worker died (Worker exited unexpectedly); last message: FATAL ERROR: heap hunter22',
            files: ['test/big.test.ts'],
          },
          {
            type: 'test.run.finished',
            time: 0,
            runId: 'run-2',
            counts: { passed: 1, failed: 0, skipped: 0 },
            durationMs: 1500,
            files: [
              { file: 'test/a.test.ts', state: 'pass' },
              { file: 'test/big.test.ts', state: 'fail' },
              { file: 'test/c.test.ts', state: 'not-run' },
            ],
            errors: 1,
          },
        ],
        ['hunter22'],
      ),
    ).toEqual([
      'CRASH   run-2 test/big.test.ts: a test worker died (Worker exited unexpectedly); last message: FATAL ERROR: heap ****',
      '✗ run-2: 1 passed, 0 failed, 0 skipped in 3 files (1 not run, 1 error outside tests) (1.5 s)',
      '          not run: test/c.test.ts',
    ]);
  });
});

describe("plain renderer: a Swarm service's tasks", () => {
  const tasks = (states: ['devswarm1' | 'devswarm2', 'running' | 'starting'][]): DevenvEvent => ({
    type: 'service.tasks',
    time: 0,
    service: 'cache',
    desired: 2,
    tasks: states.map(([node, state], index) => ({
      task: `s-cache-1.${index + 1}`,
      node,
      state,
      health: state === 'running' ? 'healthy' : 'starting',
    })),
  });

  it('says them once every task runs or has ended, not at each step of a start', () => {
    expect(
      render([
        tasks([
          ['devswarm1', 'running'],
          ['devswarm2', 'starting'],
        ]),
        tasks([
          ['devswarm1', 'running'],
          ['devswarm2', 'running'],
        ]),
      ]),
    ).toEqual(['cache  tasks 2/2 running: cache.1 on devswarm1 running, cache.2 on devswarm2 running']);
  });
});
