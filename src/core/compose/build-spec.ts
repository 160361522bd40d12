/** `build:` (a context string or the long syntax) -> BuildSpec with an absolute context. */
import { posix } from 'node:path';
import type { KeyPath } from './key-path.js';
import { listOrDictEntries, listOrDictToMap } from './list-or-dict.js';
import type { BuildSpec } from './model.js';
import { isMapping, stringMap, warnUnknownKeys, type NormalizeContext } from './normalize-context.js';

const KNOWN = new Set(['context', 'dockerfile', 'args', 'target', 'labels']);

/** Remote contexts (git repositories, URLs) are kept as written. */
const REMOTE = /^(https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/)/;

export function normalizeBuild(
  context: NormalizeContext,
  path: KeyPath,
  value: unknown,
): BuildSpec | undefined {
  const long = typeof value === 'string' ? { context: value } : isMapping(value) ? value : undefined;
  if (!long) return undefined;
  if (typeof value !== 'string') warnUnknownKeys(context, path, long, KNOWN);
  const written = typeof long.context === 'string' && long.context !== '' ? long.context : '.';
  const args: Record<string, string> = {};
  for (const [name, arg] of listOrDictEntries(long.args)) {
    // An argument without a value comes from the environment, and is left out when unset.
    const resolved = arg ?? context.environment[name];
    if (resolved !== undefined) args[name] = resolved;
  }
  return {
    context: REMOTE.test(written) ? written : posix.resolve(context.workingDir, written),
    dockerfile:
      typeof long.dockerfile === 'string' && long.dockerfile !== '' ? long.dockerfile : 'Dockerfile',
    args,
    ...(typeof long.target === 'string' ? { target: long.target } : {}),
    labels: stringMap(listOrDictToMap(long.labels)),
  };
}
