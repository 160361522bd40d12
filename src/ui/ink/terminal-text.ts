/**
 * Text from containers made safe for a terminal cell grid: no escape
 * sequences or control characters (they would move the cursor or break the
 * layout), tabs expanded, and a length bound.
 */
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[@-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export const MAX_LINE_LENGTH = 1000;

export function terminalSafe(text: string, maxLength = MAX_LINE_LENGTH): string {
  const clean = text.replace(ANSI, '').replace(/\t/g, '    ').replace(/\r?\n/g, ' ').replace(CONTROL, '');
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}
