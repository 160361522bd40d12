/**
 * Compose Specification interpolation: $VAR, ${VAR}, ${VAR:-default},
 * ${VAR-default}, ${VAR:?err}, ${VAR?err}, ${VAR:+replacement},
 * ${VAR+replacement}, nesting inside the operand, and $$ for a literal $.
 * Applied to every string value of a document (never to keys).
 */
import { DevenvError } from '../errors.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import { castInterpolated } from './interpolation-casts.js';
import { formatProblem } from './located-error.js';

/** Value of a variable, or undefined when it is not set. */
export type VariableLookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** A problem with one string, before it is tied to a place in a file. */
export class InterpolationProblem extends Error {
  constructor(
    message: string,
    /** Set when a required variable (${X:?msg}) is missing. */
    readonly variable?: string,
  ) {
    super(message);
    this.name = 'InterpolationProblem';
  }
}

export interface InterpolateOptions {
  /** Called for each variable used without a default while unset (it becomes ""). */
  onUnset?: (name: string) => void;
  /** interpolateTree: the most values it walks (default MAX_TREE_NODES). */
  maxNodes?: number;
}

/** Interpolates one string; throws InterpolationProblem. */
export function interpolateString(
  text: string,
  lookup: VariableLookup,
  options: InterpolateOptions = {},
): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (char !== '$') {
      out += char;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0)
        throw new InterpolationProblem(`invalid interpolation format: unterminated "${text.slice(i)}"`);
      out += braced(text.slice(i + 2, end), text.slice(i, end + 1), lookup, options);
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (name === undefined) {
        // A lone $ not followed by a name is kept as written, as compose does.
        out += '$';
        i++;
      } else {
        out += resolve(name, lookup, options);
        i += 1 + name.length;
      }
    }
  }
  return out;
}

function resolve(name: string, lookup: VariableLookup, options: InterpolateOptions): string {
  const value = lookup(name);
  if (value === undefined) options.onUnset?.(name);
  return value ?? '';
}

/** Index of the `}` closing a `${` whose content starts at `from`, or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && (text[i + 1] === '$' || text[i + 1] === '{')) {
      if (text[i + 1] === '{') depth++;
      i++;
    } else if (text[i] === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;

function braced(inner: string, whole: string, lookup: VariableLookup, options: InterpolateOptions): string {
  const invalid = (): InterpolationProblem =>
    new InterpolationProblem(
      `invalid interpolation format "${whole}": expected \${NAME} with NAME matching [A-Za-z_][A-Za-z0-9_]*, optionally followed by :-, -, :?, ?, :+ or +; write $$ for a literal $`,
    );
  const name = NAME.exec(inner)?.[0];
  if (name === undefined) throw invalid();
  const rest = inner.slice(name.length);
  if (rest === '') return resolve(name, lookup, options);
  const operator = OPERATORS.find((op) => rest.startsWith(op));
  if (operator === undefined) throw invalid();
  const operand = (): string => interpolateString(rest.slice(operator.length), lookup, options);
  const value = lookup(name);
  const setAndNonEmpty = value !== undefined && value !== '';
  switch (operator) {
    case ':-':
      return setAndNonEmpty ? value : operand();
    case '-':
      return value !== undefined ? value : operand();
    case ':+':
      return setAndNonEmpty ? operand() : '';
    case '+':
      return value !== undefined ? operand() : '';
    case ':?':
    case '?': {
      if (operator === ':?' ? setAndNonEmpty : value !== undefined) return value ?? '';
      const message = operand();
      throw new InterpolationProblem(
        `required variable ${name} is missing a value${message === '' ? '' : `: ${message}`}`,
        name,
      );
    }
  }
}

export interface InterpolationSite {
  /** File name shown in messages. */
  file: string;
  lineOf: (path: KeyPath) => number | undefined;
}

/**
 * The most values interpolateTree walks. A parsed document is bounded by its
 * file and by source-document's alias check; this bounds the walk itself, for
 * values that reach it another way.
 */
export const MAX_TREE_NODES = 5_000_000;

/**
 * Interpolates every string value of a YAML tree (keys are left alone).
 * Strings that came out of interpolation are cast where compose expects a
 * boolean or a number (`init: ${INIT:-true}`). A value that contains itself,
 * or a tree of more than MAX_TREE_NODES values, is a COMPOSE_YAML error.
 */
export function interpolateTree(
  value: unknown,
  lookup: VariableLookup,
  site: InterpolationSite,
  options: InterpolateOptions = {},
  path: KeyPath = [],
): unknown {
  const open = new Set<object>();
  const maxNodes = options.maxNodes ?? MAX_TREE_NODES;
  let visited = 0;
  const tooLarge = (at: KeyPath, what: string): DevenvError => {
    const location = { file: site.file, line: site.lineOf(at), path: formatKeyPath(at) };
    return new DevenvError('COMPOSE_YAML', formatProblem(location, what), {
      location,
      hint: 'write the repeated content out, or use aliases only for small blocks that do not contain themselves',
    });
  };
  const walk = (node: unknown, at: KeyPath): unknown => {
    if (++visited > maxNodes)
      throw tooLarge(at, `the document holds more than ${maxNodes} values (expanded aliases?)`);
    if (typeof node === 'string') return interpolateValue(node, lookup, site, options, at);
    if (node === null || typeof node !== 'object') return node;
    if (open.has(node)) throw tooLarge(at, 'this value contains itself (a YAML alias inside its own anchor)');
    open.add(node);
    let out: unknown;
    if (Array.isArray(node)) out = node.map((item, index) => walk(item, [...at, index]));
    else {
      const entries: Record<string, unknown> = {};
      // defineProperty: a "__proto__" key stays a key (an assignment would set the prototype).
      for (const [key, child] of Object.entries(node))
        Object.defineProperty(entries, key, {
          value: walk(child, [...at, key]),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      out = entries;
    }
    open.delete(node);
    return out;
  };
  return walk(value, path);
}

function interpolateValue(
  value: string,
  lookup: VariableLookup,
  site: InterpolationSite,
  options: InterpolateOptions,
  path: KeyPath,
): unknown {
  if (!value.includes('$')) return value;
  try {
    return castInterpolated(path, interpolateString(value, lookup, options));
  } catch (error) {
    if (!(error instanceof InterpolationProblem)) throw error;
    const location = { file: site.file, line: site.lineOf(path), path: formatKeyPath(path) };
    throw new DevenvError('COMPOSE_INTERPOLATION', formatProblem(location, error.message), {
      location,
      hint: error.variable
        ? `set ${error.variable} in the shell or in the project's .env file`
        : 'write $$ for a literal $',
    });
  }
}
