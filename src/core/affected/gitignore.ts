/**
 * The subset of .gitignore semantics the watcher needs: which project paths
 * to leave out. Blank lines and comments are skipped; `!` re-includes; a
 * leading or inner `/` anchors the pattern at the root, otherwise it matches
 * at any depth; a matched directory hides everything under it.
 */
import { globToRegExp, type PathMatcher } from '../glob/glob.js';

export interface IgnoreRule {
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

/** A matcher for project-relative POSIX paths (root .gitignore texts); the last matching rule decides. */
export function gitignoreMatcher(texts: readonly string[]): PathMatcher {
  const rules = texts.flatMap(parseGitignore);
  if (rules.length === 0) return () => false;
  return (path) => ignoredByLayers([{ scope: '', rules }], path);
}

/** The rules of one .gitignore, for paths under its directory (`scope`, project-relative; '' is the root). */
export interface GitignoreLayer {
  scope: string;
  rules: readonly IgnoreRule[];
}

/**
 * Whether layers of .gitignore files ignore a project-relative path: each
 * layer matches the path relative to its own directory, from the root
 * downwards, so a deeper file's rules win (the last match decides), as in git.
 */
export function ignoredByLayers(layers: readonly GitignoreLayer[], path: string): boolean {
  let ignored = false;
  for (const layer of layers) {
    if (layer.scope !== '' && !path.startsWith(`${layer.scope}/`)) continue;
    const relative = layer.scope === '' ? path : path.slice(layer.scope.length + 1);
    for (const rule of layer.rules) if (rule.expression.test(relative)) ignored = !rule.negated;
  }
  return ignored;
}

/** Always left out of watching, whatever .gitignore says. */
export const ALWAYS_IGNORED = ['.git/**', '**/node_modules/**', 'dist/**', 'build/**', 'coverage/**'];
