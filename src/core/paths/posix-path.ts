/**
 * Project-relative paths as devenv shows and compares them: POSIX separators
 * whatever the host's, relative to the project root.
 */
import path from 'node:path';

/** A host path with POSIX separators. */
export function toPosix(hostPath: string): string {
  return path.sep === '/' ? hostPath : hostPath.split(path.sep).join('/');
}

/** `file` (absolute, or relative to root) relative to root, with POSIX separators ('' for root itself). */
export function relativePosix(root: string, file: string): string {
  return toPosix(path.relative(root, path.resolve(root, file)));
}

/** Like relativePosix, but undefined for a file outside root. */
export function insideRelativePosix(root: string, file: string): string | undefined {
  const relative = path.relative(root, file);
  if (relative === '') return '';
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return toPosix(relative);
}
