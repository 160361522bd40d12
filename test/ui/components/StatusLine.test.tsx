import { describe, expect, it } from 'vitest';
import { StatusLine } from '../../../src/ui/ink/components/StatusLine.js';
import { initialView } from '../../../src/ui/ink/keymap.js';
import { frameOf } from './render.js';

describe('StatusLine', () => {
  it('lists the keys, shorter on a narrow terminal', () => {
    expect(frameOf(<StatusLine view={initialView} width={140} ephemeral={false} />)).toContain(
      'r restart · b rebuild · t tests',
    );
    const narrow = frameOf(<StatusLine view={initialView} width={80} ephemeral={false} />);
    expect(narrow.length).toBeLessThanOrEqual(80);
    expect(narrow).toContain('r restart');
  });

  it('shows the search being typed', () => {
    expect(
      frameOf(<StatusLine view={{ ...initialView, searchDraft: 'err' }} width={80} ephemeral={false} />),
    ).toBe('/err  enter search · esc cancel');
  });

  it('says what quitting does with the stack', () => {
    expect(
      frameOf(<StatusLine view={{ ...initialView, leaving: 'quit' }} width={80} ephemeral={false} />),
    ).toContain('keeps running');
    expect(frameOf(<StatusLine view={{ ...initialView, leaving: 'quit' }} width={80} ephemeral />)).toContain(
      'removing the ephemeral stack',
    );
    expect(
      frameOf(<StatusLine view={{ ...initialView, leaving: 'down' }} width={80} ephemeral={false} />),
    ).toContain('removing the stack');
  });
});
