/**
 * A service's environment: its env_file files (in order, later files win),
 * then `environment:` on top. An `environment:` entry without a value takes
 * the variable from the project environment, else stays null (unset).
 */
import { posix } from 'node:path';
import { parseDotenv } from './dotenv.js';
import type { KeyPath } from './key-path.js';
import { listOrDictEntries } from './list-or-dict.js';
import { locatedError } from './located-error.js';
import { asBoolean, isMapping, type NormalizeContext } from './normalize-context.js';

interface EnvFileRef {
  path: string;
  required: boolean;
  index: number;
}

function envFileRefs(value: unknown): EnvFileRef[] {
  const entries = value === undefined || value === null ? [] : [value].flat();
  return entries.flatMap((entry, index) => {
    if (typeof entry === 'string') return [{ path: entry, required: true, index }];
    if (isMapping(entry) && typeof entry.path === 'string') {
      return [{ path: entry.path, required: asBoolean(entry.required) ?? true, index }];
    }
    return [];
  });
}

export function displayPath(workingDir: string, absPath: string): string {
  const relative = posix.relative(workingDir, absPath);
  return relative === '' || relative.startsWith('..') ? absPath : relative;
}

export function resolveServiceEnvironment(
  context: NormalizeContext,
  path: KeyPath,
  service: Record<string, unknown>,
): Record<string, string | null> {
  const environment: Record<string, string | null> = {};
  const outside = (name: string): string | undefined => context.environment[name];
  const single = typeof service.env_file === 'string';
  for (const ref of envFileRefs(service.env_file)) {
    const absPath = posix.resolve(context.workingDir, ref.path);
    const text = context.readEnvFile(absPath);
    const refPath = single ? [...path, 'env_file'] : [...path, 'env_file', ref.index];
    if (text === undefined) {
      if (!ref.required) continue;
      throw locatedError('COMPOSE_REFERENCE', context.locate(refPath), `env_file ${absPath} not found`, {
        hint: 'create the file, or mark it optional with `required: false` (long env_file syntax)',
      });
    }
    Object.assign(
      environment,
      parseDotenv(text, { file: displayPath(context.workingDir, absPath), lookup: outside }),
    );
  }
  for (const [name, value] of listOrDictEntries(service.environment)) {
    if (value !== null) environment[name] = value;
    else environment[name] = outside(name) ?? environment[name] ?? null;
  }
  return environment;
}
