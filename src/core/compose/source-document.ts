/**
 * One compose file parsed with the positions of its nodes, so that any key
 * path (services.app.ports[0]) can be mapped back to a line for messages.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { DevenvError } from '../errors.js';
import { formatKeyPath, type KeyPath } from './key-path.js';

/** Merge directives of the Compose Specification, written as YAML tags in override files. */
export type MergeTag = '!reset' | '!override';

export interface SourceDocument {
  /** The file as shown in messages (relative to the project directory when inside it). */
  file: string;
  /** Absolute path. */
  path: string;
  /** Plain data, `!reset` entries removed (see resetPaths). */
  value: unknown;
  /** Formatted key path -> 1-based line of the key (mappings) or of the item (sequences). */
  lines: ReadonlyMap<string, number>;
  /** Key paths tagged `!reset`: the merged value there is removed. */
  resetPaths: readonly KeyPath[];
  /** Key paths tagged `!override`: the value there replaces the merged value. */
  overridePaths: ReadonlySet<string>;
}

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Name used in messages. */
  file: string;
  text: string;
}

export function parseSourceDocument(source: SourceFile): SourceDocument {
  const lineCounter = new LineCounter();
  // Duplicate keys are found in visit below: the yaml package's own check (uniqueKeys) compares each
  // key with every earlier one of its mapping, minutes for a mapping of tens of thousands of keys.
  const doc = parseDocument(source.text, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false });
  const firstError = doc.errors[0];
  if (firstError) {
    const line = lineCounter.linePos(firstError.pos[0]).line;
    const what = firstError.message.split('\n')[0];
    throw new DevenvError('COMPOSE_YAML', `${source.file}:${line}: invalid YAML: ${what}`, {
      location: { file: source.file, line },
      hint: 'fix the YAML syntax at that line',
    });
  }

  const lineAt = (offset: number | undefined): number | undefined =>
    offset === undefined ? undefined : lineCounter.linePos(offset).line;
  const aliasProblem = (line: number | undefined, what: string): DevenvError => {
    const location = { file: source.file, ...(line === undefined ? {} : { line }) };
    const where = line === undefined ? source.file : `${source.file}:${line}`;
    return new DevenvError('COMPOSE_YAML', `${where}: invalid YAML: ${what}`, {
      location,
      hint: 'write the repeated content out, or use aliases only for small blocks that do not contain themselves',
    });
  };
  const yamlProblem = (line: number | undefined, what: string): DevenvError => {
    const where = line === undefined ? source.file : `${source.file}:${line}`;
    return new DevenvError('COMPOSE_YAML', `${where}: invalid YAML: ${what}`, {
      location: { file: source.file, ...(line === undefined ? {} : { line }) },
      hint: 'fix the YAML syntax at that line',
    });
  };
  const checkMergeSource = (value: unknown, problem: (what: string) => DevenvError): void => {
    const isMapSource = (node: unknown): boolean =>
      isMap(node) || (isAlias(node) && isMap(node.resolve(doc)));
    if (isMapSource(value) || (isSeq(value) && value.items.every(isMapSource))) return;
    throw problem('a merge key (<<) takes a mapping, an alias of one, or a list of them');
  };

  const lines = new Map<string, number>();
  const tagged: { path: KeyPath; tag: MergeTag }[] = [];

  const visit = (node: unknown, path: KeyPath): void => {
    if (path.length > MAX_NESTING && (isMap(node) || isSeq(node)))
      throw yamlProblem(lineAt((node as Node).range?.[0]), `nested more than ${MAX_NESTING} levels deep`);
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyNode = pair.key as Node | null;
        const line = lineAt(keyNode?.range?.[0]);
        // The yaml package reads a merge key's value as Symbol(<<).
        if (key === '<<' || key === 'Symbol(<<)') {
          checkMergeSource(pair.value, (what) => yamlProblem(line, what));
          continue;
        }
        const childPath = [...path, key];
        // Would become the prototype of the mapping once copied (`out[key] = ...`): a hidden value.
        if (key === '__proto__') throw yamlProblem(line, `the key "${key}" is not allowed`);
        if (seen.has(key)) throw yamlProblem(line, 'duplicate key');
        seen.add(key);
        if (line !== undefined) lines.set(formatKeyPath(childPath), line);
        noteTag(pair.value, childPath);
        visit(pair.value, childPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const childPath = [...path, index];
        const line = lineAt((item as Node | null)?.range?.[0]);
        if (line !== undefined) lines.set(formatKeyPath(childPath), line);
        noteTag(item, childPath);
        visit(item, childPath);
      });
    }
  };
  const noteTag = (node: unknown, path: KeyPath): void => {
    const tag = (node as Node | null)?.tag;
    if (tag === '!reset' || tag === '!override') tagged.push({ path, tag });
  };
  visit(doc.contents, []);
  checkAliases(doc.contents, (alias, what) => aliasProblem(lineAt(alias.range?.[0]), what));

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 10_000 }) ?? {};
  } catch (error) {
    // The yaml package's own limits (checkAliases and the checks above should have caught it first).
    if (!(error instanceof Error)) throw error;
    throw aliasProblem(undefined, error.message);
  }
  const resetPaths: KeyPath[] = [];
  const overridePaths = new Set<string>();
  for (const { path, tag } of tagged) {
    if (tag === '!override') overridePaths.add(formatKeyPath(path));
    else resetPaths.push(path);
  }
  // Deepest first, so that removing an entry does not shift the index of another.
  for (const path of [...resetPaths].reverse()) value = removeAt(value, path);

  return { file: source.file, path: source.path, value, lines, resetPaths, overridePaths };
}

/**
 * How deep mappings and lists may nest. Compose files and devenv's own are a
 * few levels deep; thousands of levels made each later walk (key paths,
 * aliases, interpolation, merging) slow and, deeper, overflow the stack.
 */
export const MAX_NESTING = 100;

/**
 * How many values a document may hold once its aliases are expanded. An alias
 * costs the size of what it repeats, so `a: &a [x, x]`, `b: &b [*a, *a]`, ...
 * ("billion laughs") is refused at the alias that crosses the budget, while a
 * large file written out in full is not limited by this.
 */
export const MAX_ALIAS_EXPANSION = 1_000_000;

/**
 * Refuses aliases that contain themselves (`a: &a [*a]`, an infinitely deep
 * value) and aliases that together expand to more than MAX_ALIAS_EXPANSION
 * values. Anchors are resolved as YAML does: the last one of that name before
 * the alias, in document order.
 */
function checkAliases(
  root: unknown,
  problem: (alias: Node, what: string) => DevenvError,
): void {
  const anchors = new Map<string, unknown>();
  const sizes = new Map<unknown, number>();
  const open = new Set<unknown>();
  let expanded = 0;
  /** Number of values under node (itself included), aliases expanded. */
  const sizeOf = (node: unknown): number => {
    if (node === null || typeof node !== 'object') return 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return 0; // yaml reports the unresolved alias
      if (open.has(target))
        throw problem(node, `alias *${node.source} is inside the value it refers to (a cycle)`);
      const size = sizes.get(target) ?? 0;
      expanded += size;
      if (expanded > MAX_ALIAS_EXPANSION)
        throw problem(
          node,
          `the aliases expand to more than ${MAX_ALIAS_EXPANSION} values (alias *${node.source} repeats ${size})`,
        );
      return size;
    }
    const anchor = (node as Node).anchor;
    if (anchor !== undefined) anchors.set(anchor, node);
    open.add(node);
    let size = 1;
    if (isMap(node)) {
      for (const pair of node.items) size += sizeOf(pair.key) + sizeOf(pair.value);
    } else if (isSeq(node)) {
      for (const item of node.items) size += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
    }
    open.delete(node);
    sizes.set(node, size);
    return size;
  };
  sizeOf(root);
}

/** 1-based line of the value at path, or of its nearest ancestor that has one. */
export function lineOf(doc: Pick<SourceDocument, 'lines'>, path: KeyPath): number | undefined {
  for (let length = path.length; length > 0; length--) {
    const line = doc.lines.get(formatKeyPath(path.slice(0, length)));
    if (line !== undefined) return line;
  }
  return undefined;
}

function removeAt(value: unknown, path: KeyPath): unknown {
  if (path.length === 0) return value;
  const parentPath = path.slice(0, -1);
  let parent: unknown = value;
  for (const segment of parentPath) {
    if (parent === null || typeof parent !== 'object') return value;
    parent = (parent as Record<string | number, unknown>)[segment];
  }
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (parent !== null && typeof parent === 'object' && typeof last === 'string') {
    delete (parent as Record<string, unknown>)[last];
  }
  return value;
}
