/** What normalization needs besides the merged raw model: paths, environment, file access, places, warnings. */
import type { ComposeWarning } from './model.js';
import { formatKeyPath, type KeyPath } from './key-path.js';
import { locatedError } from './located-error.js';
import type { Locate } from './source-locator.js';
import { SyntaxProblem } from './syntax-problem.js';
import type { DevenvError } from '../errors.js';

export interface NormalizeContext {
  /** Absolute project directory. */
  workingDir: string;
  /**
   * The directory paths written relative to the project may not leave
   * (core/compose/path-containment.ts): its git repository, else workingDir.
   * Unchecked when undefined.
   */
  projectRoot?: string;
  /** Variables for interpolation and for `environment: [NAME]` entries without a value. */
  environment: Readonly<Record<string, string>>;
  /** Text of an env_file, or undefined when it does not exist. */
  readEnvFile: (absPath: string) => string | undefined;
  locate: Locate;
  warn: (warning: ComposeWarning) => void;
}

/** COMPOSE_INVALID at a key path. */
export function invalidAt(context: NormalizeContext, path: KeyPath, what: string): DevenvError {
  const location = context.locate(path);
  return locatedError('COMPOSE_INVALID', location, what, {
    hint: `fix ${formatKeyPath(path) || 'the file'} in ${location.file} (the Compose Specification: https://docs.docker.com/reference/compose-file/)`,
  });
}

/** Runs a syntax parser; its SyntaxProblem becomes COMPOSE_INVALID at path. */
export function parseAt<T>(context: NormalizeContext, path: KeyPath, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof SyntaxProblem) throw invalidAt(context, path, error.message);
    throw error;
  }
}

/** A warning about the key at path, at its line. */
export function warnAt(context: NormalizeContext, path: KeyPath, message: string): void {
  const location = context.locate(path);
  context.warn({
    message,
    file: location.file,
    ...(location.line !== undefined ? { line: location.line } : {}),
    path: formatKeyPath(path),
  });
}

/** "services.app.links is not supported by devenv and is ignored", at its line. */
export function warnIgnored(context: NormalizeContext, path: KeyPath): void {
  warnAt(context, path, `${formatKeyPath(path)} is not supported by devenv and is ignored`);
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Keys of a mapping that are neither known nor `x-` extensions, warned about as ignored. */
export function warnUnknownKeys(
  context: NormalizeContext,
  path: KeyPath,
  value: Record<string, unknown>,
  known: ReadonlySet<string>,
): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key) && !key.startsWith('x-')) warnIgnored(context, [...path, key]);
  }
}

export function extensionsOf(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => key.startsWith('x-')));
}

export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

export function stringMap(entries: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, value ?? '']));
}
