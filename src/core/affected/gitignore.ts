/**
 * The subset of .gitignore semantics the watcher needs: which project paths
 * to leave out. Blank lines and comments are skipped; `!` re-includes; a
 * leading or inner `/` anchors the pattern at the root, otherwise it matches
 * at any depth; a matched directory hides everything under it.
 */
import { globToRegExp, type PathMatcher } from '../glob/glob.js';

interface IgnoreRule {
  negated: boolean;
  expression: RegExp;
}

function ruleFor(line: string): IgnoreRule | undefined {
  let pattern = line.replace(/(?<!\\)\s+$/, '');
  if (pattern === '' || pattern.startsWith('#')) return undefined;
  const negated = pattern.startsWith('!');
  if (negated) pattern = pattern.slice(1);
  pattern = pattern.replace(/^\\([#!])/, '$1').replace(/\/+$/, '');
  if (pattern === '') return undefined;
  const anchored = pattern.includes('/');
  const body = pattern.replace(/^\//, '');
  // The path itself or anything under it.
  const expression = globToRegExp(anchored ? `${body}/**` : `**/${body}/**`);
  return { negated, expression };
}

export function parseGitignore(text: string): IgnoreRule[] {
  return text
    .split(/\r?\n/)
    .map(ruleFor)
    .filter((rule): rule is IgnoreRule => rule !== undefined);
}

/** A matcher for project-relative POSIX paths; the last matching rule decides. */
export function gitignoreMatcher(texts: readonly string[]): PathMatcher {
  const rules = texts.flatMap(parseGitignore);
  if (rules.length === 0) return () => false;
  return (path) => {
    let ignored = false;
    for (const rule of rules) if (rule.expression.test(path)) ignored = !rule.negated;
    return ignored;
  };
}

/** Always left out of watching, whatever .gitignore says. */
export const ALWAYS_IGNORED = ['.git/**', '**/node_modules/**', 'dist/**', 'build/**', 'coverage/**'];
