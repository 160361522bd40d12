/**
 * Glob patterns over project-relative POSIX paths (`test/unit/**`,
 * `migrations/*.sql`, `.env*`, `src/{a,b}.ts`). A pattern is anchored at the
 * project root; `**` spans any number of directories (also none), `*` and `?`
 * stay within one path segment. A pattern ending in `/` or `/**` also matches
 * the directory itself.
 */

export type PathMatcher = (path: string) => boolean;

function escapeRegExp(text: string): string {
  return text.replace(/[.+^$()|\\]/g, '\\$&');
}

/** `{a,b}` alternatives expanded into separate patterns (nesting supported). */
function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open === -1) return [pattern];
  let depth = 0;
  for (let index = open; index < pattern.length; index++) {
    const char = pattern[index];
    if (char === '{') depth += 1;
    else if (char === '}') {
      depth -= 1;
      if (depth === 0) {
        const inner = pattern.slice(open + 1, index);
        const parts: string[] = [];
        let partDepth = 0;
        let start = 0;
        for (let i = 0; i < inner.length; i++) {
          if (inner[i] === '{') partDepth += 1;
          else if (inner[i] === '}') partDepth -= 1;
          else if (inner[i] === ',' && partDepth === 0) {
            parts.push(inner.slice(start, i));
            start = i + 1;
          }
        }
        parts.push(inner.slice(start));
        const head = pattern.slice(0, open);
        const tail = pattern.slice(index + 1);
        return parts.flatMap((part) => expandBraces(`${head}${part}${tail}`));
      }
    }
  }
  return [pattern];
}

function segmentSource(segment: string): string {
  let source = '';
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index] as string;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const close = segment.indexOf(']', index + 1);
      if (close === -1) source += '\\[';
      else {
        const body = segment
          .slice(index + 1, close)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        source += `[${body}]`;
        index = close;
      }
    } else source += escapeRegExp(char);
  }
  return source;
}

function singleGlobSource(pattern: string): string {
  const trimmed = pattern.replace(/^\.\//, '').replace(/\/+$/, '/**');
  const segments = trimmed
    .split('/')
    .filter((segment, index, all) => !(segment === '**' && all[index - 1] === '**'));
  let source = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      // "a/**" also matches "a"; "**/b" matches "b"; "a/**/b" matches "a/b".
      source += last ? '(?:/.*)?' : index === 0 ? '(?:.*/)?' : '(?:/.*)?/';
      return;
    }
    const previousWasGlobstar = index > 0 && segments[index - 1] === '**';
    if (index > 0 && !previousWasGlobstar) source += '/';
    source += segmentSource(segment);
  });
  // A leading "**" emitted "(?:.*/)?" and the next segment must not add another "/".
  return source.replace(/^\(\?:\/\.\*\)\?/, '.*');
}

export function globToRegExp(pattern: string): RegExp {
  const sources = expandBraces(pattern).map(singleGlobSource);
  return new RegExp(`^(?:${sources.join('|')})$`);
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
