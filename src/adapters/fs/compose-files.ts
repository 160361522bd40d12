/**
 * The I/O half of compose loading: which compose files a directory uses,
 * reading them, the project's .env and env_files, then the pure
 * resolveCompose (core/compose/load-compose.ts).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DevenvError } from '../../core/errors.js';
import { locatedError } from '../../core/compose/located-error.js';
import { withEnvironmentDefaults } from '../../core/compose/environment-defaults.js';
import { parseDotenv } from '../../core/compose/dotenv.js';
import { resolveCompose } from '../../core/compose/load-compose.js';
import { loadDevenvConfig } from './devenv-config-file.js';
import { shellQuote } from '../../core/shell-quote.js';
import type { ComposeProject, ResolvedCompose } from '../../core/compose/model.js';
import type { ComposeRequest } from '../../contracts/project-source.js';
import { secretValues } from '../../core/redact.js';

/** Looked for, in this order, when neither -f nor devenv.yaml names the files. */
export const DEFAULT_COMPOSE_FILES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yml',
  'docker-compose.yaml',
];

const NO_COMPOSE_FILE_HINT =
  'run `devenv init minimal .` to add compose.yaml and devenv.yaml here (`devenv init --list` for whole projects), create compose.yaml yourself (a Compose Specification file with a services: section), or pass -f FILE (or set COMPOSE_FILE)';

function isDirectory(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/** file relative to cwd when inside it, else absolute. */
function shown(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** A named compose file that is not a file: a directory (pointing at its compose file, if any) or missing. */
function notAComposeFile(file: string, namedBy: string, cwd: string): DevenvError {
  if (isDirectory(file)) {
    const inside = DEFAULT_COMPOSE_FILES.map((name) => path.join(file, name)).find(isFile);
    return new DevenvError('COMPOSE_NOT_FOUND', `${file} is a directory, not a compose file`, {
      hint:
        inside === undefined
          ? `name a compose file, not a directory (${namedBy}); ${file} holds none of ${DEFAULT_COMPOSE_FILES.join(', ')}`
          : `name the compose file in it: -f ${shellQuote(shown(cwd, inside))}`,
      location: { file },
    });
  }
  return new DevenvError('COMPOSE_NOT_FOUND', `compose file ${file} not found`, {
    hint: `check the path (${namedBy}), or create the file`,
    location: { file },
  });
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** devenv.yaml's `compose:` (a file or a list of files), relative to dir; undefined when not set. */
function devenvConfigFiles(dir: string): string[] | undefined {
  // The one devenv.yaml parser (validated, errors at file:line:key).
  const compose = loadDevenvConfig(dir).compose;
  return compose === undefined || compose.length === 0
    ? undefined
    : compose.map((entry) => path.resolve(dir, entry));
}

/** compose.yaml -> compose.override.yaml (and .yml), which compose loads after the main file. */
function overrideFileFor(file: string): string | undefined {
  const extension = path.extname(file);
  const base = file.slice(0, -extension.length);
  return ['.yaml', '.yml'].map((ext) => `${base}.override${ext}`).find(isFile);
}

/**
 * COMPOSE_FILE, as compose reads it: from the shell, else from the .env in
 * dir; a list split on COMPOSE_PATH_SEPARATOR (default ":", ";" on Windows).
 */
function composeFileVariable(dir: string, env: Record<string, string | undefined>): string[] | undefined {
  let value = env['COMPOSE_FILE'];
  let separator = env['COMPOSE_PATH_SEPARATOR'];
  const dotenvPath = path.join(dir, '.env');
  if ((value === undefined || separator === undefined) && isFile(dotenvPath)) {
    const dotenv = parseDotenv(readFileSync(dotenvPath, 'utf8'), {
      file: '.env',
      lookup: (name) => env[name],
      precedence: 'lookup',
    });
    value ??= dotenv['COMPOSE_FILE'];
    separator ??= dotenv['COMPOSE_PATH_SEPARATOR'];
  }
  if (value === undefined || value.trim() === '') return undefined;
  return value
    .split(separator || (process.platform === 'win32' ? ';' : ':'))
    .map((file) => file.trim())
    .filter((file) => file !== '')
    .map((file) => path.resolve(dir, file));
}

/**
 * Absolute paths of the compose files, in merge order: explicit -f files
 * (relative to dir), else COMPOSE_FILE (shell or .env), else devenv.yaml's
 * `compose:`, else the first of compose.yaml, compose.yml, docker-compose.yml,
 * docker-compose.yaml (with its `.override` file when present, as compose does).
 */
export function findComposeFiles(
  dir: string,
  explicitFiles?: string[],
  env: Record<string, string | undefined> = {},
): string[] {
  const explicit = explicitFiles && explicitFiles.length > 0;
  const fromVariable = explicit ? undefined : composeFileVariable(dir, env);
  const named = explicit
    ? explicitFiles.map((file) => path.resolve(dir, file))
    : (fromVariable ?? devenvConfigFiles(dir));
  if (named) {
    const missing = named.find((file) => !isFile(file));
    if (missing !== undefined) {
      const namedBy = explicit
        ? 'given with -f'
        : fromVariable
          ? 'from COMPOSE_FILE'
          : "from devenv.yaml's compose:";
      throw notAComposeFile(missing, namedBy, dir);
    }
    return named;
  }
  const found = DEFAULT_COMPOSE_FILES.map((name) => path.join(dir, name)).find(isFile);
  if (found === undefined) {
    throw new DevenvError(
      'COMPOSE_NOT_FOUND',
      `no compose file in ${dir} (looked for devenv.yaml's compose:, ${DEFAULT_COMPOSE_FILES.join(', ')})`,
      { hint: NO_COMPOSE_FILE_HINT },
    );
  }
  const override = overrideFileFor(found);
  return override ? [found, override] : [found];
}

/**
 * The directory a compose file's relative paths may not leave: the git
 * repository the project is in (a monorepo's `context: ../shared` stays
 * inside), else the project directory.
 */
export function projectRoot(workingDir: string): string {
  for (let dir = workingDir; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return workingDir;
  }
}

/** What loading needs: the ProjectSource port's request. */
export type LoadComposeOptions = ComposeRequest;

function readTextIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code === 'ENOENT' ||
      (error as NodeJS.ErrnoException).code === 'ENOTDIR'
    ) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Reads the compose files and the project's .env, builds the interpolation
 * environment (devenv variables > shell > .env) and resolves the project.
 */
export function loadComposeFromDisk(options: LoadComposeOptions): ResolvedCompose {
  const cwd = path.resolve(options.cwd);
  const files = [
    ...findComposeFiles(cwd, options.files, options.env),
    ...overlayFiles(cwd, options.overlays),
  ];
  const workingDir = path.dirname(files[0] ?? path.join(cwd, DEFAULT_COMPOSE_FILES[0] ?? 'compose.yaml'));

  const shell: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env)) if (value !== undefined) shell[name] = value;

  const dotenvPath = path.join(workingDir, '.env');
  const dotenvText =
    existsSync(dotenvPath) && isFile(dotenvPath) ? readFileSync(dotenvPath, 'utf8') : undefined;
  const dotenv =
    dotenvText === undefined
      ? {}
      : parseDotenv(dotenvText, { file: '.env', lookup: (name) => shell[name], precedence: 'lookup' });
  const environment = { ...dotenv, ...(options.variables ?? {}), ...shell, ...(options.extraVars ?? {}) };
  options.onSecretValues?.(secretValues(environment, options.declaredSecrets));

  const profiles =
    options.profiles && options.profiles.length > 0
      ? options.profiles
      : (environment.COMPOSE_PROFILES ?? '')
          .split(',')
          .map((profile) => profile.trim())
          .filter((profile) => profile !== '');

  // Whether the result depends on devenv's own variables (the stack identity): only then is it loaded again.
  let readsDevenvVariables = dotenvText?.includes('DEVENV_') ?? false;
  const seen = (text: string | undefined): string | undefined => {
    if (text?.includes('DEVENV_')) readsDevenvVariables = true;
    return text;
  };
  const resolved = resolveCompose({
    files: files.map((file) => ({ path: file, text: seen(readFileSync(file, 'utf8')) ?? '' })),
    workingDir,
    environment,
    readEnvFile: (absPath) => seen(isFile(absPath) ? readTextIfExists(absPath) : undefined),
    readComposeFile: (absPath) => seen(isFile(absPath) ? readTextIfExists(absPath) : undefined),
    activeProfiles: profiles,
    projectRoot: projectRoot(workingDir),
    ...(options.onSecretValues
      ? {
          onSecretVariables: (names: string[]) =>
            options.onSecretValues?.(names.flatMap((name) => environment[name] ?? [])),
        }
      : {}),
  });
  const project = withEnvironmentDefaults(resolved.project, options.variables ?? {});
  options.onSecretValues?.(fileSecretValues(project.secrets));
  return { ...resolved, project, readsDevenvVariables };
}

/** An environment's overlays, absolute; a missing one is named at its devenv.yaml line. */
function overlayFiles(cwd: string, overlays: ComposeRequest['overlays']): string[] {
  return (overlays ?? []).map(({ file, declaredAt }) => {
    const absolute = path.resolve(cwd, file);
    if (isFile(absolute)) return absolute;
    if (declaredAt === undefined) throw notAComposeFile(absolute, "from devenv.yaml's environments:", cwd);
    throw locatedError(
      'COMPOSE_NOT_FOUND',
      declaredAt,
      `overlay compose file ${shown(cwd, absolute)} ${isDirectory(absolute) ? 'is a directory' : 'does not exist'}`,
      { hint: 'create the file, or fix the name in devenv.yaml' },
    );
  });
}

/** The largest `file:` secret whose content is masked (a key or a certificate; not an archive). */
const MASKED_SECRET_FILE_BYTES = 64 * 1024;

/**
 * The values of `file:` secrets, so an app that prints one (logs, a failure
 * tail) shows the mask: the whole content, trimmed, and each line of it of 8
 * characters or more. A file that is not here (a remote engine's path) or is
 * too big is skipped.
 */
function fileSecretValues(secrets: ComposeProject['secrets']): string[] {
  return Object.values(secrets).flatMap((spec) => {
    if (!('file' in spec) || !isFile(spec.file) || statSync(spec.file).size > MASKED_SECRET_FILE_BYTES)
      return [];
    const text = readTextIfExists(spec.file) ?? '';
    // Lines only from 8 characters: a short one ("true", "}") would mask ordinary words of the output.
    const lines = text.split('\n').map((line) => line.trim());
    return [text.trim(), ...lines.filter((line) => line.length >= 8)].filter((value) => value !== '');
  });
}
