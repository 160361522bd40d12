/**
 * Paths a compose file writes relative to the project (bind mounts, build
 * contexts, env_file, secrets and configs files, develop.watch paths) must
 * stay inside the project root: the project's git repository, or the project
 * directory outside one (the caller says which). `../../etc` depends on where
 * the project happens to be checked out and reaches whatever is there; it is
 * refused where it is written. An absolute path (or ~) names one place on
 * purpose, as compose allows, and is shown as such by `devenv config`.
 * Checked on the merged file before anything is read (env_file is read while
 * normalizing).
 */
import { posix } from 'node:path';
import type { KeyPath } from './key-path.js';
import { locatedError } from './located-error.js';
import { isMapping, type NormalizeContext } from './normalize-context.js';

/** Where a relative path points, or undefined when it is absolute, ~, remote or not a path. */
function relativePath(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value.startsWith('/') || value.startsWith('~') || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  return value;
}

/** A short-syntax volume's source when it is a relative host path ("./src:/app", "../x:/y:ro"). */
function shortVolumeSource(value: string): string | undefined {
  const source = value.split(':')[0] ?? '';
  return source.startsWith('.') ? source : undefined;
}

/** Throws COMPOSE_INVALID at the first relative path that leaves the project root. */
export function checkPathContainment(
  context: NormalizeContext,
  raw: Record<string, unknown>,
  projectRoot: string,
): void {
  const root = posix.resolve(projectRoot);
  const check = (path: KeyPath, written: string | undefined, what: string): void => {
    if (written === undefined) return;
    const resolved = posix.resolve(context.workingDir, written);
    const relative = posix.relative(root, resolved);
    if (relative === '' || (!relative.startsWith('..') && !posix.isAbsolute(relative))) return;
    throw locatedError(
      'COMPOSE_INVALID',
      context.locate(path),
      `${what} "${written}" leaves the project (it resolves to ${resolved}, outside ${root})`,
      {
        hint: 'use a path inside the project; if a service really needs that host path, write it as an absolute path',
      },
    );
  };
  const services = isMapping(raw['services']) ? raw['services'] : {};
  for (const [name, service] of Object.entries(services)) {
    if (!isMapping(service)) continue;
    const at = (...rest: (string | number)[]): KeyPath => ['services', name, ...rest];
    if (Array.isArray(service['volumes']))
      service['volumes'].forEach((volume: unknown, index) => {
        if (typeof volume === 'string') check(at('volumes', index), shortVolumeSource(volume), 'the bind mount');
        else if (isMapping(volume) && volume['type'] === 'bind')
          check(at('volumes', index, 'source'), relativePath(volume['source']), 'the bind mount');
      });
    const build = service['build'];
    if (typeof build === 'string') check(at('build'), relativePath(build), 'the build context');
    else if (isMapping(build)) check(at('build', 'context'), relativePath(build['context']), 'the build context');
    const envFile = service['env_file'];
    if (typeof envFile === 'string') check(at('env_file'), relativePath(envFile), 'the env_file');
    else if (Array.isArray(envFile))
      envFile.forEach((entry: unknown, index) =>
        check(at('env_file', index), relativePath(isMapping(entry) ? entry['path'] : entry), 'the env_file'),
      );
    const develop = service['develop'];
    if (isMapping(develop) && Array.isArray(develop['watch']))
      develop['watch'].forEach((rule: unknown, index) => {
        if (isMapping(rule)) check(at('develop', 'watch', index, 'path'), relativePath(rule['path']), 'the watch path');
      });
  }
  for (const kind of ['secrets', 'configs'] as const) {
    const defs = isMapping(raw[kind]) ? raw[kind] : {};
    for (const [name, def] of Object.entries(defs))
      if (isMapping(def))
        check([kind, name, 'file'], relativePath(def['file']), kind === 'secrets' ? 'the secret file' : 'the config file');
  }
}
