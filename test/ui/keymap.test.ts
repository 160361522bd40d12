import { describe, expect, it } from 'vitest';
import { handleKey, initialView, type KeyPress, type ViewState } from '../../src/ui/ink/keymap.js';

const ctx = { services: ['app', 'postgres', 'redis'], page: 10 };
function press(keys: (string | KeyPress)[], view: ViewState = initialView) {
  const intents = [];
  for (const k of keys) {
    const result = typeof k === 'string' ? handleKey(view, k, {}, ctx) : handleKey(view, '', k, ctx);
    view = result.view;
    if (result.intent) intents.push(result.intent);
  }
  return { view, intents };
}

describe('keymap', () => {
  it('selects with j/k and arrows, bounded', () => {
    expect(press(['j', 'j', 'j']).view.selected).toBe(2);
    expect(press(['j', { upArrow: true }, 'k']).view.selected).toBe(0);
    expect(press([{ downArrow: true }]).view.selected).toBe(1);
  });

  it('shows a service’s logs with enter or l, all with a', () => {
    expect(press(['j', { return: true }]).view.logService).toBe('postgres');
    expect(press(['j', 'j', 'l']).view.logService).toBe('redis');
    expect(press(['l', 'a']).view.logService).toBeUndefined();
  });

  it('sends restart and rebuild for the selected service, and the test and watch intents', () => {
    expect(press(['j', 'r', 'j', 'b', 't', 'f', 'w']).intents).toEqual([
      { type: 'service.restart', service: 'postgres' },
      { type: 'service.rebuild', service: 'redis' },
      { type: 'tests.runAll' },
      { type: 'tests.rerunFailed' },
      { type: 'watch.toggle' },
    ]);
  });

  it('asks before down: y confirms, anything else cancels', () => {
    expect(press(['d']).view.overlay).toBe('confirm-down');
    expect(press(['d', 'n'])).toEqual({ view: initialView, intents: [] });
    expect(press(['d', 'y'])).toMatchObject({ view: { leaving: 'down' }, intents: [{ type: 'stack.down' }] });
  });

  it('quits with q and with Ctrl-C, even from an overlay; then ignores keys', () => {
    expect(press(['q']).intents).toEqual([{ type: 'quit' }]);
    expect(press(['?', { ctrl: true } as KeyPress]).intents).toEqual([]);
    expect(handleKey(press(['?']).view, 'c', { ctrl: true }, ctx)).toMatchObject({
      intent: { type: 'quit' },
      view: { leaving: 'quit' },
    });
    expect(press(['e', 'q']).intents).toEqual([{ type: 'quit' }]);
    expect(press(['q', 'r']).intents).toEqual([{ type: 'quit' }]);
  });

  it('types a search after /, applies it on enter, clears it with esc', () => {
    const typed = press(['/', 'e', 'r', 'r', 'x', { backspace: true }]);
    expect(typed.view.searchDraft).toBe('err');
    expect(typed.intents).toEqual([]);
    const applied = press([{ return: true }], typed.view).view;
    expect(applied).toMatchObject({ search: 'err' });
    expect(applied.searchDraft).toBeUndefined();
    expect(press([{ escape: true }], applied).view.search).toBe('');
  });

  it('opens help and env overlays that any key closes', () => {
    expect(press(['?']).view.overlay).toBe('help');
    expect(press(['e']).view.overlay).toBe('env');
    expect(press(['?', 'j']).view).toEqual(initialView);
  });

  it('scrolls the logs by pages and back to the tail', () => {
    expect(press([{ pageUp: true }, { pageUp: true }, { pageDown: true }]).view.scroll).toBe(10);
    expect(press([{ pageUp: true }, 'G']).view.scroll).toBe(0);
  });
});
