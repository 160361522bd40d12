/**
 * Splits a command string into words the way compose does for `command:` and
 * `entrypoint:` (POSIX-shell quoting, no expansion): spaces separate words,
 * single quotes are literal, double quotes allow \" \\ \$ \` escapes, a
 * backslash outside quotes escapes the next character.
 */
import { SyntaxProblem } from './syntax-problem.js';

export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i] ?? '';
    if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (char === '\\') {
      if (i + 1 < text.length) word += text[i + 1];
      inWord = true;
      i += 2;
    } else if (char === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new SyntaxProblem(`unterminated single quote in "${text}"`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (char === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const inner = text[i] ?? '';
        if (inner === '"') {
          closed = true;
          i++;
          break;
        }
        if (inner === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1] ?? '')) {
          word += text[i + 1];
          i += 2;
        } else {
          word += inner;
          i++;
        }
      }
      if (!closed) throw new SyntaxProblem(`unterminated double quote in "${text}"`);
      inWord = true;
    } else {
      word += char;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
