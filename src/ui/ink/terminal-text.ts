/**
 * Text from containers, projects and users made safe for a terminal: no
 * escape sequences or control characters (they would move the cursor, clear
 * the screen, retitle the window or break the layout), no bidirectional
 * overrides (they reorder what is shown). terminalSafe strips them (log
 * lines: the dashboard and the plain renderer); escapeControls shows them
 * escaped (messages quoting a name or a value, so the user sees what is there).
 */
/* eslint-disable no-control-regex */
const ANSI =
  /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[PX^_][^\u001b]*(\u001b\\)?|\u001b[@-_]/g;
/** Control characters but newline and tab (which a message may hold), bidi marks and overrides, line separators. */
const CONTROL =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

export const MAX_LINE_LENGTH = 1000;

export function terminalSafe(text: string, maxLength = MAX_LINE_LENGTH): string {
  const clean = text.replace(ANSI, '').replace(/\t/g, '    ').replace(/\r?\n/g, ' ').replace(CONTROL, '');
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/** "\u001b[2J" -> "\\u001b[2J": every control character but newline and tab, escaped. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
