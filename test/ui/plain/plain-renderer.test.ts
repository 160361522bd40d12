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
