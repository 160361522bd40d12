/**
 * The project's import graph kept on disk between runs, the way Jest keeps
 * its haste map: per module, the hash of its content and the modules it
 * imports (as vitest's transform resolved them). A one-shot `devenv test`
 * after a small edit transforms only the modules whose content changed;
 * the rest of the graph is read back. Everything in the file hangs off one
 * key (vitest's version, the config and the files that steer resolution:
 * package.json, tsconfig.json): any change there starts an empty graph.
 *
 * Lives in node_modules/.cache/devenv/ (where vite and babel keep theirs),
 * so it is never committed and goes with `rm -rf node_modules`. A project
 * without node_modules gets no cache (nothing is written into its tree).
 *
 * Known limit (Jest's has it too): a module's imports are re-resolved only
 * when its own content changes, so a new file that shadows an existing
 * resolution (adding `foo.ts` beside `foo/index.ts`) is seen after the
 * importer is edited, or in watch mode, where vitest's graph is live.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

const FORMAT = 1;

interface CacheFile {
  format: number;
  key: string;
  /** By project-relative module path (prefixed with the vitest project's name). */
  modules: Record<string, { hash: string; imports: string[] }>;
}

export function contentHash(content: string | Buffer): string {
  return createHash('sha1').update(content).digest('hex');
}

/** The cache's key: what, when it changes, may change how every import resolves. */
export async function graphCacheKey(root: string, parts: readonly string[], files: readonly string[]) {
  const hash = createHash('sha1').update(JSON.stringify(parts));
  for (const file of files) {
    const content = await readFile(path.resolve(root, file)).catch(() => undefined);
    hash.update(`\0${file}\0`).update(content ?? 'absent');
  }
  return hash.digest('hex');
}

export class ImportGraphCache {
  private dirty = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly key: string,
    private readonly modules: CacheFile['modules'],
  ) {}

  /** The cache of the project at root (empty when absent, unreadable or of another key). */
  static async open(root: string, key: string): Promise<ImportGraphCache> {
    const modulesDir = path.join(root, 'node_modules');
    if (!existsSync(modulesDir)) return new ImportGraphCache(undefined, key, {});
    const file = path.join(modulesDir, '.cache', 'devenv', 'import-graph.json');
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheFile>;
      if (parsed.format === FORMAT && parsed.key === key && parsed.modules)
        return new ImportGraphCache(file, key, parsed.modules);
    } catch {
      // No cache yet, or one this version cannot read: start empty.
    }
    return new ImportGraphCache(file, key, {});
  }

  /** A module's imports when its content hash is the one cached. */
  get(module: string, hash: string): string[] | undefined {
    const entry = this.modules[module];
    return entry?.hash === hash ? entry.imports : undefined;
  }

  set(module: string, hash: string, imports: string[]): void {
    this.modules[module] = { hash, imports };
    this.dirty = true;
  }

  get size(): number {
    return Object.keys(this.modules).length;
  }

  /** Writes the cache if it changed (to a temp file renamed over: a reader never sees half). */
  async save(): Promise<void> {
    if (!this.file || !this.dirty) return;
    this.dirty = false;
    const content: CacheFile = { format: FORMAT, key: this.key, modules: this.modules };
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(content));
    await rename(temporary, this.file);
  }
}
