/**
 * devenv.yaml text -> DevenvConfig with defaults, validated. Errors name the
 * place as the compose loader does: "devenv.yaml:7 tests.unit: must be ...".
 */
import { formatKeyPath, type KeyPath } from '../compose/key-path.js';
import { locatedError } from '../compose/located-error.js';
import { parseDuration } from '../compose/duration.js';
import { lineOf, parseSourceDocument, type SourceDocument } from '../compose/source-document.js';
import { DevenvError, isDevenvError } from '../errors.js';
import { DATABASE_INPUTS } from '../affected/default-triggers.js';
import {
  SECRET_ORIGINS,
  type DevenvConfig,
  type SecretDeclaration,
  type SecretOrigin,
  type TriggerAction,
  type TriggerRule,
} from './devenv-config.js';
import { parseEnvironments, parseParity, parseRegistry } from './parse-environments.js';

/** Every test file the runner finds that is not an integration test is a unit test, unless devenv.yaml says otherwise. */
export const DEFAULT_UNIT_GLOBS = ['**'];
export const DEFAULT_INTEGRATION_GLOBS = ['test/integration/**'];
export const DEFAULT_DEBOUNCE_MS = 30;
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;
const TRIGGER_ACTIONS: readonly TriggerAction[] = ['rebuild-test-database', 'reconcile-stack', 'rerun'];
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_KEYS = ['description', 'required', 'from', 'command'];
const DEFAULT_SECRET_ORIGINS: readonly SecretOrigin[] = ['file', 'env'];
const TOP_LEVEL_KEYS = [
  'compose',
  'tests',
  'watch',
  'triggers',
  'database',
  'secrets',
  'environments',
  'parity',
  'registry',
];

export function defaultDevenvConfig(): DevenvConfig {
  return {
    tests: {
      unit: [...DEFAULT_UNIT_GLOBS],
      integration: [...DEFAULT_INTEGRATION_GLOBS],
      stallTimeoutMs: DEFAULT_STALL_TIMEOUT_MS,
    },
    watch: { debounceMs: DEFAULT_DEBOUNCE_MS, ignore: [] },
    triggers: [],
    secrets: [],
    secretSources: [],
  };
}

type Mapping = Record<string, unknown>;

export class Reader {
  constructor(private readonly doc: SourceDocument) {}

  line(path: KeyPath): number | undefined {
    return lineOf(this.doc, path);
  }

  fail(path: KeyPath, what: string): DevenvError {
    return locatedError(
      'CONFIG_INVALID',
      { file: this.doc.file, line: lineOf(this.doc, path), path: formatKeyPath(path) },
      what,
      { hint: 'fix devenv.yaml at that line (its JSON Schema: schema/devenv.schema.json)' },
    );
  }

  mapping(value: unknown, path: KeyPath, known: readonly string[]): Mapping {
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw this.fail(path, 'must be a mapping');
    for (const key of Object.keys(value)) {
      if (!known.includes(key) && !key.startsWith('x-'))
        throw this.fail([...path, key], `unknown key "${key}" (expected one of: ${known.join(', ')})`);
    }
    return value as Mapping;
  }

  /** A string or a list of strings; a single string becomes a one-item list. */
  strings(value: unknown, path: KeyPath, what: string): string[] {
    const list = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(list)) throw this.fail(path, `must be ${what} or a list of them`);
    list.forEach((item, index) => {
      if (typeof item !== 'string' || item.trim() === '')
        throw this.fail([...path, index], `must be ${what} (a non-empty string)`);
    });
    return list as string[];
  }

  string(value: unknown, path: KeyPath): string {
    if (typeof value !== 'string' || value.trim() === '') throw this.fail(path, 'must be a non-empty string');
    return value;
  }
}

/** `tests.stallTimeout`: a compose-style duration ("60s", "2m", "1m30s"), at least a second. */
function stallTimeoutOf(reader: Reader, value: unknown): number {
  const ms = typeof value === 'string' ? parseDuration(value) : undefined;
  if (ms === undefined || ms < 1000)
    throw reader.fail(
      ['tests', 'stallTimeout'],
      `must be a duration of at least 1s, like 60s, 2m or 1m30s (got ${JSON.stringify(value)})`,
    );
  return ms;
}

function parseTrigger(reader: Reader, value: unknown, path: KeyPath): TriggerRule {
  const entry = reader.mapping(value, path, ['files', 'run', 'action']);
  if (entry['files'] === undefined) throw reader.fail(path, 'a trigger needs `files:` (globs)');
  const files = reader.strings(entry['files'], [...path, 'files'], 'a glob');
  let action: TriggerAction | undefined;
  if (entry['action'] !== undefined) {
    if (!TRIGGER_ACTIONS.includes(entry['action'] as TriggerAction))
      throw reader.fail([...path, 'action'], `must be one of: ${TRIGGER_ACTIONS.join(', ')}`);
    action = entry['action'] as TriggerAction;
  }
  let run: TriggerRule['run'];
  const rawRun = entry['run'];
  if (rawRun === undefined) {
    if (action === undefined)
      throw reader.fail(
        path,
        'a trigger needs `run:` (unit, integration, all or test files), `action:`, or both',
      );
    run = [];
  } else if (rawRun === 'unit' || rawRun === 'integration' || rawRun === 'all') run = rawRun;
  else if (
    typeof rawRun === 'string' &&
    !['unit', 'integration', 'all'].includes(rawRun) &&
    /[/*.]/.test(rawRun)
  )
    run = [rawRun];
  else if (Array.isArray(rawRun)) run = reader.strings(rawRun, [...path, 'run'], 'a test file or glob');
  else throw reader.fail([...path, 'run'], 'must be unit, integration, all, or a list of test files/globs');
  return action === undefined ? { files, run } : { files, run, action };
}

/** `secrets:` as a mapping: NAME -> {description, required, from, command} (null: the defaults). */
function parseSecretDeclarations(reader: Reader, secrets: Mapping): SecretDeclaration[] {
  return Object.entries(secrets)
    .filter(([name]) => !name.startsWith('x-'))
    .map(([name, value]) => {
      const path = ['secrets', name];
      if (!VARIABLE_NAME.test(name)) throw reader.fail(path, `"${name}" is not an environment variable name`);
      const entry = value === null ? {} : reader.mapping(value, path, SECRET_KEYS);
      const declaration: SecretDeclaration = { name, required: [], from: [...DEFAULT_SECRET_ORIGINS] };
      if (entry['description'] !== undefined)
        declaration.description = reader.string(entry['description'], [...path, 'description']);
      const required = entry['required'];
      if (required === true) declaration.required = true;
      else if (required !== undefined && required !== false)
        declaration.required = reader.strings(required, [...path, 'required'], 'an environment name');
      if (entry['command'] !== undefined)
        declaration.command = reader.string(entry['command'], [...path, 'command']);
      // A command given without `from:` is tried last.
      if (entry['from'] === undefined && declaration.command !== undefined) declaration.from.push('command');
      if (entry['from'] !== undefined) {
        const from = reader.strings(entry['from'], [...path, 'from'], 'a source');
        from.forEach((origin, index) => {
          if (!SECRET_ORIGINS.includes(origin as SecretOrigin))
            throw reader.fail(
              [...path, 'from', index],
              `unknown source "${origin}" (expected one of: ${SECRET_ORIGINS.join(', ')})`,
            );
          if (from.indexOf(origin) !== index)
            throw reader.fail([...path, 'from', index], `"${origin}" is listed twice`);
        });
        declaration.from = from as SecretOrigin[];
      }
      if (declaration.from.includes('command') && declaration.command === undefined)
        throw reader.fail(
          [...path, 'from'],
          'lists `command` but the secret has no `command:` (the shell command that prints its value)',
        );
      return declaration;
    });
}

/**
 * devenv.yaml's YAML, parsed as a compose file is (positions, alias limits);
 * its YAML problems carry devenv.yaml's own code.
 */
export function parseDevenvYaml(source: { path: string; file: string; text: string }): SourceDocument {
  try {
    return parseSourceDocument(source);
  } catch (error) {
    // The same YAML problem as in a compose file, under devenv.yaml's own code.
    if (isDevenvError(error) && error.code === 'COMPOSE_YAML')
      throw new DevenvError('CONFIG_YAML', error.message, {
        ...(error.location ? { location: error.location } : {}),
        ...(error.hint ? { hint: error.hint } : {}),
      });
    throw error;
  }
}

/** Parses devenv.yaml; `file` is the name used in messages, `path` the absolute path. */
export function parseDevenvConfig(source: { path: string; file: string; text: string }): DevenvConfig {
  const doc = parseDevenvYaml(source);
  const reader = new Reader(doc);
  const config = defaultDevenvConfig();
  config.file = source.path;
  // An empty file is a valid (all defaults) devenv.yaml.
  if (doc.value === null || (typeof doc.value === 'object' && Object.keys(doc.value).length === 0))
    return config;
  const root = reader.mapping(doc.value, [], TOP_LEVEL_KEYS);

  if (root['compose'] !== undefined && root['compose'] !== null)
    config.compose = reader.strings(root['compose'], ['compose'], 'a compose file name');

  if (root['tests'] !== undefined && root['tests'] !== null) {
    const tests = reader.mapping(
      root['tests'],
      ['tests'],
      ['unit', 'integration', 'vitestConfig', 'stallTimeout'],
    );
    if (tests['unit'] !== undefined)
      config.tests.unit = reader.strings(tests['unit'], ['tests', 'unit'], 'a glob');
    if (tests['integration'] !== undefined)
      config.tests.integration = reader.strings(tests['integration'], ['tests', 'integration'], 'a glob');
    if (tests['vitestConfig'] !== undefined)
      config.tests.vitestConfig = reader.string(tests['vitestConfig'], ['tests', 'vitestConfig']);
    if (tests['stallTimeout'] !== undefined)
      config.tests.stallTimeoutMs = stallTimeoutOf(reader, tests['stallTimeout']);
    if (tests['unit'] !== undefined || tests['integration'] !== undefined) config.tests.explicit = true;
  }

  if (root['watch'] !== undefined && root['watch'] !== null) {
    const watch = reader.mapping(root['watch'], ['watch'], ['debounceMs', 'ignore']);
    const debounce = watch['debounceMs'];
    if (debounce !== undefined) {
      if (typeof debounce !== 'number' || !Number.isInteger(debounce) || debounce < 0 || debounce > 10_000)
        throw reader.fail(
          ['watch', 'debounceMs'],
          'must be a whole number of milliseconds between 0 and 10000',
        );
      config.watch.debounceMs = debounce;
    }
    if (watch['ignore'] !== undefined)
      config.watch.ignore = reader.strings(watch['ignore'], ['watch', 'ignore'], 'a glob');
  }

  if (root['triggers'] !== undefined && root['triggers'] !== null) {
    if (!Array.isArray(root['triggers'])) throw reader.fail(['triggers'], 'must be a list of rules');
    config.triggers = root['triggers'].map((entry: unknown, index) =>
      parseTrigger(reader, entry, ['triggers', index]),
    );
  }

  if (root['database'] !== undefined && root['database'] !== null) {
    const database = reader.mapping(
      root['database'],
      ['database'],
      ['service', 'urlEnv', 'migrate', 'seed', 'inputs'],
    );
    if (database['service'] === undefined)
      throw reader.fail(['database'], 'needs `service:` (the compose service of the database)');
    const parsed: NonNullable<DevenvConfig['database']> = {
      service: reader.string(database['service'], ['database', 'service']),
      urlEnv:
        database['urlEnv'] === undefined
          ? 'DATABASE_URL'
          : reader.string(database['urlEnv'], ['database', 'urlEnv']),
      inputs:
        database['inputs'] === undefined
          ? [...DATABASE_INPUTS]
          : reader.strings(database['inputs'], ['database', 'inputs'], 'a glob'),
    };
    if (database['migrate'] !== undefined)
      parsed.migrate = reader.string(database['migrate'], ['database', 'migrate']);
    const seed = database['seed'];
    if (seed !== null && typeof seed === 'object' && !Array.isArray(seed)) {
      const files = reader.mapping(seed, ['database', 'seed'], ['sql']);
      if (files['sql'] === undefined)
        throw reader.fail(['database', 'seed'], 'needs `sql:` (globs of SQL files) or a command');
      parsed.seedSql = reader.strings(files['sql'], ['database', 'seed', 'sql'], 'a glob of SQL files');
    } else if (seed !== undefined) parsed.seed = reader.string(seed, ['database', 'seed']);
    config.database = parsed;
  }

  if (root['secrets'] !== undefined && root['secrets'] !== null) {
    const raw = root['secrets'];
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      config.secretSources = parseSecretDeclarations(reader, raw as Mapping);
      config.secrets = config.secretSources.map((secret) => secret.name);
    } else {
      config.secrets = reader.strings(raw, ['secrets'], 'an environment variable name');
      config.secrets.forEach((name, index) => {
        if (!VARIABLE_NAME.test(name))
          throw reader.fail(['secrets', index], `"${name}" is not an environment variable name`);
        if (config.secrets.indexOf(name) !== index)
          throw reader.fail(['secrets', index], `"${name}" is declared twice`);
      });
    }
  }
  if (root['environments'] !== undefined && root['environments'] !== null)
    config.environments = parseEnvironments(reader, root['environments']);
  if (root['parity'] !== undefined && root['parity'] !== null)
    config.parity = parseParity(reader, root['parity']);
  if (root['registry'] !== undefined) config.registry = parseRegistry(reader, root['registry'], ['registry']);
  return config;
}
