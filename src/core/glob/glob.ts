/**
 * Glob patterns over project-relative POSIX paths (`test/unit/**`,
 * `migrations/*.sql`, `.env*`, `src/{a,b}.ts`), matched by picomatch. A
 * pattern is anchored at the project root; `**` spans any number of
 * directories (also none), `*` and `?` stay within one path segment and match
 * dotfiles too; `[...]` and `[!...]` classes. A pattern ending in `/` or `/**`
 * also matches the directory itself. Parentheses, `|`, `+`, `@` and a leading
 * `!` are literal characters (`app/(shop)/**` names Next.js's route group):
 * picomatch's extglobs, regex groups and negated patterns are not offered.
 */
import picomatch from 'picomatch';

export type PathMatcher = (path: string) => boolean;

const options: picomatch.PicomatchOptions = {
  dot: true,
  // `[!0-9]` negates only with posix on (picomatch 4.0.7 reads it as `!` or a digit otherwise).
  posix: true,
  windows: false,
  nonegate: true,
  noextglob: true,
};

/**
 * devenv's syntax in picomatch's: literal parentheses, a trailing `/` meaning
 * the directory and below. A pattern ending in `/**` also matches the
 * directory itself, given as a second pattern: picomatch does that only after
 * a literal segment (`a/**` matches `a`; `a/*` then `/**` does not match `a/b`).
 */
function picomatchPatterns(pattern: string): string[] {
  const rewritten = pattern.replace(/[()]/g, '\\$&').replace(/\/+$/, '/**');
  const directory = /^(.+?)(?:\/\*\*)+$/.exec(rewritten)?.[1];
  return directory === undefined || directory === '**' ? [rewritten] : [rewritten, directory];
}

export function globToRegExp(pattern: string): RegExp {
  const sources = picomatchPatterns(pattern).map((each) => picomatch.makeRe(each, options).source);
  return new RegExp(sources.join('|'));
}

export function globMatcher(patterns: readonly string[]): PathMatcher {
  if (patterns.length === 0) return () => false;
  const expressions = patterns.map(globToRegExp);
  return (path) => expressions.some((expression) => expression.test(path));
}

export function matchesGlob(pattern: string, path: string): boolean {
  return globToRegExp(pattern).test(path);
}

/** True when a pattern has glob syntax (else it names one file). */
export function isGlobPattern(pattern: string): boolean {
  return /[*?[{]/.test(pattern);
}
