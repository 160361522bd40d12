/**
 * The dashboard's keys as a pure function: the view state and a key in, the
 * next view state and the intent to send (if any) out.
 */
import type { Intent } from '../../app/intents.js';

export type Overlay = 'help' | 'env' | 'confirm-down';

export interface ViewState {
  selected: number;
  /** The service whose logs show; undefined: all services. */
  logService?: string;
  /** Applied search of the logs pane ('' none). */
  search: string;
  /** Being typed after `/`, when defined. */
  searchDraft?: string;
  overlay?: Overlay;
  /** Log lines scrolled up from the tail; 0 follows. */
  scroll: number;
  /** Set once q or d was confirmed: what the app is doing before it exits. */
  leaving?: 'quit' | 'down';
  /** Time of the banner the user dismissed (x). */
  dismissedBanner?: number;
}

export const initialView: ViewState = { selected: 0, search: '', scroll: 0 };

/** The subset of ink's Key the keymap reads. */
export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  backspace?: boolean;
  delete?: boolean;
  tab?: boolean;
  meta?: boolean;
}

export interface KeyContext {
  services: readonly string[];
  /** Log lines one page scrolls. */
  page: number;
  /** Time of the banner on screen, if any. */
  banner?: number;
}

export interface KeyResult {
  view: ViewState;
  intent?: Intent;
}

function quit(view: ViewState): KeyResult {
  const { overlay: _overlay, searchDraft: _draft, ...rest } = view;
  return { view: { ...rest, leaving: 'quit' }, intent: { type: 'quit' } };
}

function typing(view: ViewState, draft: string, input: string, key: KeyPress): KeyResult {
  const { searchDraft: _draft, ...rest } = view;
  if (key.return) return { view: { ...rest, search: draft.trim(), scroll: 0 } };
  if (key.escape) return { view: rest };
  if (key.backspace || key.delete) return { view: { ...view, searchDraft: draft.slice(0, -1) } };
  if (input && !key.ctrl && !key.meta && !key.tab) return { view: { ...view, searchDraft: draft + input } };
  return { view };
}

export function handleKey(view: ViewState, input: string, key: KeyPress, ctx: KeyContext): KeyResult {
  if (key.ctrl && input === 'c') return quit(view);
  if (view.leaving) return { view };
  if (view.searchDraft !== undefined) return typing(view, view.searchDraft, input, key);

  if (view.overlay === 'confirm-down') {
    const { overlay: _overlay, ...rest } = view;
    if (input === 'y' || input === 'Y')
      return { view: { ...rest, leaving: 'down' }, intent: { type: 'stack.down' } };
    return { view: rest };
  }
  if (view.overlay && input !== 'q') {
    const { overlay: _overlay, ...rest } = view;
    return { view: rest };
  }

  const service = ctx.services[Math.min(view.selected, ctx.services.length - 1)];
  const last = Math.max(0, ctx.services.length - 1);
  if (key.upArrow || input === 'k') return { view: { ...view, selected: Math.max(0, view.selected - 1) } };
  if (key.downArrow || input === 'j')
    return { view: { ...view, selected: Math.min(last, view.selected + 1) } };
  if (key.pageUp) return { view: { ...view, scroll: view.scroll + ctx.page } };
  if (key.pageDown) return { view: { ...view, scroll: Math.max(0, view.scroll - ctx.page) } };
  if (key.end || input === 'G') return { view: { ...view, scroll: 0 } };
  if (key.home || input === 'g') return { view: { ...view, scroll: Number.MAX_SAFE_INTEGER } };
  if (key.escape) {
    return { view: { ...view, search: '', scroll: 0 } };
  }
  switch (input) {
    case 'q':
      return quit(view);
    case '?':
      return { view: { ...view, overlay: 'help' } };
    case 'e':
      return { view: { ...view, overlay: 'env' } };
    case 'd':
      return { view: { ...view, overlay: 'confirm-down' } };
    case '/':
      return { view: { ...view, searchDraft: view.search } };
    case 'a': {
      const { logService: _service, ...rest } = view;
      return { view: { ...rest, scroll: 0 } };
    }
    case 'x':
      return ctx.banner !== undefined ? { view: { ...view, dismissedBanner: ctx.banner } } : { view };
    case 't':
      return { view, intent: { type: 'tests.runAll' } };
    case 'f':
      return { view, intent: { type: 'tests.rerunFailed' } };
    case 'w':
      return { view, intent: { type: 'watch.toggle' } };
  }
  if (service === undefined) return { view };
  if (key.return || input === 'l') return { view: { ...view, logService: service, scroll: 0 } };
  if (input === 'r') return { view, intent: { type: 'service.restart', service } };
  if (input === 'b') return { view, intent: { type: 'service.rebuild', service } };
  return { view };
}
