/**
 * devenv.yaml `environments:` and `parity:`, read with the devenv.yaml Reader
 * (errors name "devenv.yaml:LINE environments.test.postgres: ...").
 */
import { formatKeyPath, type KeyPath } from '../compose/key-path.js';
import type { EnvironmentConfig, PostgresMode } from './devenv-config.js';
import { engineProblem } from './engine-address.js';
import { normalRegistry, registryProblem } from './registry-address.js';
import type { Reader } from './parse-devenv-config.js';

const ENVIRONMENT_KEYS = ['compose', 'variables', 'ephemeral', 'postgres', 'engine', 'registry', 'protected'];
const POSTGRES_MODES: readonly PostgresMode[] = ['fast'];
/** A plain name: it goes into stack names and labels. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function booleanOf(reader: Reader, value: unknown, path: KeyPath): boolean {
  if (typeof value !== 'boolean') throw reader.fail(path, 'must be true or false');
  return value;
}

function variablesOf(reader: Reader, value: unknown, path: KeyPath): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw reader.fail(path, 'must be a mapping of variable names to values');
  const variables: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!VARIABLE_NAME.test(name)) throw reader.fail([...path, name], `"${name}" is not a variable name`);
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
      throw reader.fail([...path, name], 'must be a string, number or boolean');
    variables[name] = String(raw);
  }
  return variables;
}

function parseEnvironment(reader: Reader, name: string, value: unknown): EnvironmentConfig {
  const path: KeyPath = ['environments', name];
  if (!ENVIRONMENT_NAME.test(name))
    throw reader.fail(
      path,
      `"${name}" is not a plain environment name (lowercase letters, digits and "-", starting with a letter, at most 24)`,
    );
  const environment: EnvironmentConfig = {
    name,
    compose: [],
    composeAt: [],
    variables: {},
    ephemeral: false,
    protected: false,
  };
  if (value === null || value === undefined) return environment;
  const entry = reader.mapping(value, path, ENVIRONMENT_KEYS);
  if (entry['compose'] !== undefined && entry['compose'] !== null) {
    environment.compose = reader.strings(entry['compose'], [...path, 'compose'], 'a compose file name');
    const listed = Array.isArray(entry['compose']);
    environment.composeAt = environment.compose.map((_, index) => {
      const at: KeyPath = listed ? [...path, 'compose', index] : [...path, 'compose'];
      const line = reader.line(at);
      return { ...(line === undefined ? {} : { line }), path: formatKeyPath(at) };
    });
  }
  if (entry['variables'] !== undefined && entry['variables'] !== null)
    environment.variables = variablesOf(reader, entry['variables'], [...path, 'variables']);
  if (entry['ephemeral'] !== undefined)
    environment.ephemeral = booleanOf(reader, entry['ephemeral'], [...path, 'ephemeral']);
  if (entry['protected'] !== undefined)
    environment.protected = booleanOf(reader, entry['protected'], [...path, 'protected']);
  if (entry['postgres'] !== undefined) {
    if (!POSTGRES_MODES.includes(entry['postgres'] as PostgresMode))
      throw reader.fail(
        [...path, 'postgres'],
        `must be one of: ${POSTGRES_MODES.join(', ')} (got ${JSON.stringify(entry['postgres'])})`,
      );
    environment.postgres = entry['postgres'] as PostgresMode;
  }
  if (entry['engine'] !== undefined) {
    const engine = reader.string(entry['engine'], [...path, 'engine']);
    const problem = engineProblem(engine);
    if (problem !== undefined) throw reader.fail([...path, 'engine'], problem);
    environment.engine = engine;
  }
  if (entry['registry'] !== undefined)
    environment.registry = parseRegistry(reader, entry['registry'], [...path, 'registry']);
  return environment;
}

export function parseEnvironments(reader: Reader, value: unknown): Record<string, EnvironmentConfig> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw reader.fail(['environments'], 'must be a mapping of environment names to settings');
  const environments: Record<string, EnvironmentConfig> = {};
  for (const [name, entry] of Object.entries(value)) {
    if (name.startsWith('x-')) continue;
    environments[name] = parseEnvironment(reader, name, entry);
  }
  return environments;
}

/** `registry:` (top level or an environment's): HOST[:PORT][/PATH], checked (core/config/registry-address.ts). */
export function parseRegistry(reader: Reader, value: unknown, path: KeyPath): string {
  const registry = reader.string(value, path);
  const problem = registryProblem(registry.trim());
  if (problem !== undefined) throw reader.fail(path, problem);
  return normalRegistry(registry.trim());
}

/** `parity.allow`: dotted-path globs (`*` = one segment). */
export function parseParity(reader: Reader, value: unknown): { allow: string[] } {
  const parity = reader.mapping(value, ['parity'], ['allow']);
  if (parity['allow'] === undefined || parity['allow'] === null) return { allow: [] };
  return { allow: reader.strings(parity['allow'], ['parity', 'allow'], 'a dotted path glob') };
}
