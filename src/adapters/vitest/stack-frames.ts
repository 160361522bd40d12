/**
 * Frames read from an error's stack text, for errors that come without
 * vitest's parsed `stacks`: vitest 3 reports test errors to the Node API
 * unparsed (its reporters parse them when printing); vitest 4 parses them.
 */
import { fileURLToPath } from 'node:url';

export interface StackFrame {
  file: string;
  line: number;
}

// "    at fn (/abs/file.ts:12:5)", "    at /abs/file.ts:12:5", "    at file:///abs/file.ts:12:5"
const FRAME = /^\s*at (?:.*? \()?((?:file:\/\/)?\/[^():]+?|[A-Za-z]:\\[^():]+?):(\d+):\d+\)?\s*$/;

export function stackFrames(stack: string | undefined): StackFrame[] {
  const frames: StackFrame[] = [];
  for (const text of (stack ?? '').split('\n')) {
    const match = FRAME.exec(text);
    if (!match?.[1] || !match[2]) continue;
    const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1];
    frames.push({ file, line: Number(match[2]) });
  }
  return frames;
}
