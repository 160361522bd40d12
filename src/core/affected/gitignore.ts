/**
 * .gitignore semantics for the watcher, by `ignore` (which follows git's own
 * tests): which project paths to leave out. Within one file: comments, `!`
 * re-includes (not under a directory the file already excludes, as in git),
 * a leading or inner `/` anchors the pattern at the file's directory,
 * otherwise it matches at any depth, a trailing `/` names directories, and a
 * matched directory hides everything under it. Case-sensitive, as git is on
 * Linux. Across files (nested .gitignore layers) the last file that decides wins.
 * Lines with a negated class (`[!a]`) are devenv's own (see negatedClassRule).
 */
// A CommonJS module whose types declare `export default`: its factory is at `.default` (also at run time).
import ignorePackage from 'ignore';
import { globToRegExp, type PathMatcher } from '../glob/glob.js';

/** The rules of one .gitignore text, matched together. */
export interface GitignoreFile {
  /** true: ignored, false: re-included by a `!` rule, undefined: no rule of this file matches. */
  decide(path: string): boolean | undefined;
}

/** One rule line of a .gitignore, with the file it belongs to. */
export interface IgnoreRule {
  /** The line as written, trailing spaces trimmed. */
  pattern: string;
  negated: boolean;
  file: GitignoreFile;
}

type Verdict = boolean | undefined;

/** A class `[!...]` or `[^...]` (not escaped). */
const negatedClass = /(?<!\\)\[[!^]/;

/**
 * One line with a negated class, matched by devenv's glob: `ignore` 5.3.2
 * reads `[!a]` and `[^a]` as "`!` (or `^`) or a", git as "not a". Measured
 * with `git check-ignore --no-index` and `[!a].txt`: git ignores c.txt and
 * doc/c.txt, not a.txt; ignore 5.3.2 the reverse.
 */
function negatedClassRule(line: string): (path: string) => Verdict {
  const negated = line.startsWith('!');
  const pattern = (negated ? line.slice(1) : line).replace(/^\\([#!])/, '$1').replace(/\/+$/, '');
  const anchored = pattern.includes('/');
  const body = pattern.replace(/^\//, '');
  // The path itself or anything under it.
  const expression = globToRegExp(anchored ? `${body}/**` : `**/${body}/**`);
  return (path) => (expression.test(path) ? !negated : undefined);
}

function ignoreRules(lines: readonly string[]): (path: string) => Verdict {
  const matcher = ignorePackage.default({ ignorecase: false, allowRelativePaths: true }).add(lines);
  const verdict = (path: string): Verdict => {
    const result = matcher.test(path);
    return result.ignored ? true : result.unignored ? false : undefined;
  };
  // Paths come without a trailing slash, so whether one is a directory is not known here:
  // a directory-only rule (`out/`) also answers for `out` itself, as the watcher needs
  // (it asks about `out` before walking it).
  return (path) => verdict(path) ?? verdict(`${path}/`);
}

/** Runs of lines for `ignore` (matched together, as git does), split by lines with a negated class. */
function compile(lines: readonly string[]): GitignoreFile {
  const parts: Array<(path: string) => Verdict> = [];
  let run: string[] = [];
  for (const line of [...lines, undefined]) {
    if (line !== undefined && !negatedClass.test(line)) {
      run.push(line);
      continue;
    }
    if (run.length > 0) parts.push(ignoreRules(run));
    run = [];
    if (line !== undefined) parts.push(negatedClassRule(line));
  }
  return {
    decide: (path) => parts.reduce<Verdict>((decided, part) => part(path) ?? decided, undefined),
  };
}

export function parseGitignore(text: string): IgnoreRule[] {
  const lines = text
    .split(/\r?\n/)
    .map((line) => line.replace(/(?<!\\)\s+$/, ''))
    .filter((line) => line !== '' && !line.startsWith('#') && line !== '!');
  if (lines.length === 0) return [];
  const file = compile(lines);
  return lines.map((pattern) => ({ pattern, negated: pattern.startsWith('!'), file }));
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
    // A layer may hold the rules of several files (the root's .gitignore and .git/info/exclude), in order.
    const files = new Set(layer.rules.map((rule) => rule.file));
    for (const file of files) ignored = file.decide(relative) ?? ignored;
  }
  return ignored;
}

/** Always left out of watching, whatever .gitignore says. */
export const ALWAYS_IGNORED = ['.git/**', '**/node_modules/**', 'dist/**', 'build/**', 'coverage/**'];
