/**
 * Path globs for project-relative, forward-slash paths: `*` and `?` never
 * cross `/`, `**` spans any number of directories, `[...]` classes, `\` escapes.
 * Shared by the template key's inputs and develop.watch ignore rules.
 */

function escapeRegex(ch: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(ch) ? `\\${ch}` : ch;
}

/** The regular expression source (unanchored) of one glob. */
function globSource(pattern: string): string {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          source += '(?:.*/)?';
        } else {
          source += '.*';
        }
      } else {
        source += '[^/]*';
      }
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '\\' && i + 1 < pattern.length) {
      i++;
      source += escapeRegex(pattern[i] as string);
    } else if (ch === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) {
        source += '\\[';
      } else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        source += `[${body.replace(/\\(?!.)/g, '\\\\')}]`;
        i = end;
      }
    } else {
      source += escapeRegex(ch);
    }
  }
  return source;
}

/** Strips `./` and leading or trailing slashes: the form every glob and path is compared in. */
export function cleanPath(path: string): string {
  return (
    path
      .replace(/\\/g, '/')
      .replace(/^(\.\/)+/, '')
      .replace(/\/+/g, '/')
      .replace(/^\/+|\/+$/g, '') || '.'
  );
}

export function globRegExp(pattern: string): RegExp {
  const cleaned = cleanPath(pattern);
  try {
    return new RegExp(`^${globSource(cleaned)}$`);
  } catch {
    return new RegExp(`^${[...cleaned].map(escapeRegex).join('')}$`);
  }
}

/** Whether `path` (relative, forward slashes) matches the glob. */
export function globMatches(pattern: string, path: string): boolean {
  return globRegExp(pattern).test(cleanPath(path));
}

/**
 * The literal directory a glob starts in ("migrations/**" -> "migrations",
 * "db/*.sql" -> "db", "*.sql" -> "."): only this directory needs walking.
 */
export function globBase(pattern: string): string {
  const segments = cleanPath(pattern).split('/');
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?[\\]/.test(segment)) break;
    literal.push(segment);
  }
  // A pattern without wildcards names a file or directory itself.
  if (literal.length === segments.length - 1 && !/[*?[\\]/.test(segments.at(-1) ?? '')) {
    return segments.join('/');
  }
  return literal.length === 0 ? '.' : literal.join('/');
}

/** A glob that names a directory ("migrations") covers everything under it. */
export function globCovers(pattern: string, path: string): boolean {
  const cleaned = cleanPath(path);
  const regex = globRegExp(pattern);
  if (regex.test(cleaned)) return true;
  const parts = cleaned.split('/');
  for (let length = parts.length - 1; length >= 1; length--) {
    if (regex.test(parts.slice(0, length).join('/'))) return true;
  }
  return false;
}
