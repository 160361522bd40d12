/**
 * Maps a key path of the merged model back to the file and line that wrote
 * it: the last file (in merge order) that has that path, else the last one
 * with the nearest ancestor.
 */
import type { SourceLocation } from '../errors.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import type { SourceDocument } from './source-document.js';

export type Locate = (path: KeyPath) => SourceLocation;

export function createLocator(docs: readonly Pick<SourceDocument, 'file' | 'lines'>[]): Locate {
  return (path) => {
    const formatted = formatKeyPath(path);
    for (let length = path.length; length > 0; length--) {
      const key = formatKeyPath(path.slice(0, length));
      for (let index = docs.length - 1; index >= 0; index--) {
        const doc = docs[index];
        const line = doc?.lines.get(key);
        if (doc && line !== undefined) return { file: doc.file, line, path: formatted };
      }
    }
    const last = docs[docs.length - 1];
    return { file: last?.file ?? 'compose.yaml', path: formatted || undefined };
  };
}
