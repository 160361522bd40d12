/**
 * What develop.watch never acts on: the rule's own `ignore` patterns
 * (relative to its path) and the build context's .dockerignore (relative to
 * the context), both with .dockerignore semantics; `.git`; and the temporary
 * and backup files editors write (Vim, Emacs, JetBrains), as Compose Watch does.
 */
import { globCovers } from '../glob/glob-scope.js';

const editorTemporaryFile = [
  /^\..*\.sw[a-px]$/, // vim swap
  /~$/, // backups
  /^#.*#$/, // emacs auto-save
  /^\.#/, // emacs lock
  /___jb_(?:old|tmp)___$/, // JetBrains safe write
  /^4913$/, // vim's write test
];

/** `.dockerignore` text -> patterns (comments and blank lines dropped), in file order. */
export function dockerignorePatterns(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** .dockerignore semantics: a leading `!` re-includes, the last matching pattern wins, a directory covers its contents. */
export function ignoredBy(patterns: readonly string[], relativePath: string): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = negate ? raw.slice(1).trim() : raw;
    if (pattern === '') continue;
    if (negate === ignored && globCovers(pattern, relativePath)) ignored = !negate;
  }
  return ignored;
}

/** `.git` anywhere in the path, or an editor's temporary file. */
export function alwaysIgnored(relativePath: string): boolean {
  const parts = relativePath.split('/');
  if (parts.includes('.git')) return true;
  const base = parts.at(-1) ?? '';
  return editorTemporaryFile.some((pattern) => pattern.test(base));
}
