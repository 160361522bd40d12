/**
 * devenv.yaml: the project's own settings next to its compose file.
 * (Parsing, defaults and the JSON Schema for editors live beside this model.)
 *
 * ```yaml
 * compose: compose.yaml            # or a list; default: compose.yaml, compose.yml, docker-compose.y(a)ml
 * tests:
 *   integration: ["test/integration/**"]   # globs of test files per kind (defaults shown)
 *   unit: ["**"]                   # every other test file the vitest config includes
 *   vitestConfig: vitest.config.ts # optional
 *   stallTimeout: 60s              # a run with no test progress this long ends, naming the files in flight
 * watch:
 *   debounceMs: 30
 *   ignore: ["dist/**"]           # besides .git, node_modules, build output and .gitignore
 * triggers:                        # what imports cannot see
 *   - { files: ["migrations/**", "seeds/**"], run: integration, action: rebuild-test-database }
 *   - { files: ["compose.yaml"], run: integration, action: reconcile-stack }
 *   - { files: ["test/fixtures/users.json"], run: ["test/integration/users.test.ts"] }
 * database:                        # "migrate once, clone many" for integration tests
 *   service: postgres
 *   urlEnv: DATABASE_URL
 *   migrate: npm run migrate       # run on the host with DATABASE_URL pointing at the scratch database
 *   seed: npm run seed
 *   inputs: ["migrations/**", "seeds/**"]   # hashed into the template key
 * secrets: [STRIPE_KEY]            # names whose values are masked everywhere, or per secret:
 * secrets:
 *   STRIPE_KEY:
 *     description: Stripe API key
 *     required: [staging, prod]    # environments where up stops without a value (true: every one)
 *     from: [file, env, command]   # tried in this order (default: file, env)
 *     command: "pass show stripe/{env}"   # for `from: command`; {env} is the environment
 * environments:                    # dev is implied when absent (see core/config/environment.ts)
 *   test:
 *     compose: [compose.test.yaml] # overlays merged after the base files
 *     variables: { ENVIRONMENT: testing }   # interpolation variables and service environment defaults
 *     ephemeral: true
 *     postgres: fast               # Postgres data on tmpfs, durability off
 *   prod: { compose: [compose.prod.yaml], engine: prod-context, protected: true }
 * parity:
 *   allow: ["services.*.environment.LOG_LEVEL"]   # what `devenv diff` may find different
 * registry: registry.example.com:5000   # a stack on swarm: built images pushed there, nodes pull them
 * ```
 */
/** The environment a command is about when neither --env nor DEVENV_ENV names one. */
export const DEFAULT_ENVIRONMENT = 'dev';

import type { TestKind } from '../testing/test-model.js';

export type TriggerAction = 'rebuild-test-database' | 'reconcile-stack' | 'rerun';

export interface TriggerRule {
  files: string[];
  /** A test kind, 'all', or explicit test files/globs. */
  run: TestKind | 'all' | string[];
  action?: TriggerAction;
}

/** Where a declared secret's value may come from (see contracts/secret-source.ts). */
export type SecretOrigin = 'file' | 'env' | 'command';

export const SECRET_ORIGINS: readonly SecretOrigin[] = ['file', 'env', 'command'];

/** A secret declared with its sources (devenv.yaml `secrets:` as a mapping). */
export interface SecretDeclaration {
  name: string;
  description?: string;
  /** Environments where a missing value stops `up`; true: every environment. */
  required: true | string[];
  /** Sources tried in this order; the first that has a value wins. */
  from: SecretOrigin[];
  /** The command `from: command` runs; `{env}` is replaced by the environment name. */
  command?: string;
}

export interface DevenvConfig {
  /** Absolute path of devenv.yaml, when there is one. */
  file?: string;
  compose?: string[];
  tests: {
    unit: string[];
    integration: string[];
    vitestConfig?: string;
    /** A run with no progress (a file or test started or ended) this long is ended as stalled (default: DEFAULT_STALL_TIMEOUT_MS). */
    stallTimeoutMs?: number;
    /** True when devenv.yaml sets `tests.unit` or `tests.integration` (else vitest projects named unit/integration decide). */
    explicit?: boolean;
  };
  watch: {
    debounceMs: number;
    ignore: string[];
  };
  triggers: TriggerRule[];
  database?: {
    service: string;
    urlEnv: string;
    migrate?: string;
    /** `seed: COMMAND`: run on the host with urlEnv pointing at the database. */
    seed?: string;
    /**
     * `seed: { sql: [GLOBS] }`: SQL files run in path order with psql in the database's container
     * (the host needs no psql), each in one transaction. Hashed into the template key.
     */
    seedSql?: string[];
    inputs: string[];
  };
  /** Every declared secret name (both forms): their values are masked everywhere. */
  secrets: string[];
  /** The secrets declared with sources (the mapping form); empty for the list form. */
  secretSources: SecretDeclaration[];
  /** devenv.yaml `environments:`; absent: only the implied dev. */
  environments?: Record<string, EnvironmentConfig>;
  /** devenv.yaml `parity:`: dotted-path globs `devenv diff` allows to differ. */
  parity?: { allow: string[] };
  /** devenv.yaml `registry:`: where images of a stack on swarm are pushed (an environment's overrides it). */
  registry?: string;
}

/** How an environment runs Postgres services: `fast` = data on tmpfs, fsync and friends off. */
export type PostgresMode = 'fast';

/** One entry of devenv.yaml `environments:`. */
export interface EnvironmentConfig {
  name: string;
  /** Overlay compose files (relative to devenv.yaml's directory), merged after the base files. */
  compose: string[];
  /** Where each overlay is named in devenv.yaml (line, key path), for errors about missing files. */
  composeAt: { line?: number; path: string }[];
  /** Interpolation variables and defaults for every service's environment. */
  variables: Record<string, string>;
  ephemeral: boolean;
  postgres?: PostgresMode;
  /** ssh://..., tcp://host:port, unix:///path or a docker context name; absent: the default engine. */
  engine?: string;
  /** The registry a swarm's nodes pull from (over the top-level `registry:`); see core/config/registry-address.ts. */
  registry?: string;
  /** Every command that changes it asks; never started on a local engine. */
  protected: boolean;
}
