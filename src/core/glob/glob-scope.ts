/**
 * Globs as scopes over a tree: normalized paths, the literal directory a glob
 * starts in (what needs walking), and whether a glob naming a directory covers
 * a path below it. Matching itself is glob.ts.
 */
import { globToRegExp } from './glob.js';

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

/** Whether `path` (relative, forward slashes, `./` allowed) matches the glob. */
export function globMatches(pattern: string, path: string): boolean {
  return globToRegExp(cleanPath(pattern)).test(cleanPath(path));
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
  const regex = globToRegExp(cleanPath(pattern));
  if (regex.test(cleaned)) return true;
  const parts = cleaned.split('/');
  for (let length = parts.length - 1; length >= 1; length--) {
    if (regex.test(parts.slice(0, length).join('/'))) return true;
  }
  return false;
}
