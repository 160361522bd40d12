/**
 * Per-environment configuration, from the environment variables devenv.yaml's `environments:` and
 * the compose files set: development (your machine), testing, staging and production.
 */
export type Environment = 'development' | 'testing' | 'staging' | 'production';

export interface Config {
  environment: Environment;
  logLevel: string;
  /** Seconds an item stays in Redis; 0 turns the cache off. */
  cacheTtl: number;
  /** Postgres pool size. */
  maxConnections: number;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** Apply pending migrations when the server starts (the dev stack does). */
  migrateOnStart: boolean;
}

const ENVIRONMENTS: readonly Environment[] = ['development', 'testing', 'staging', 'production'];

const DEFAULTS: Record<Environment, Pick<Config, 'logLevel' | 'cacheTtl' | 'maxConnections'>> = {
  development: { logLevel: 'debug', cacheTtl: 60, maxConnections: 10 },
  testing: { logLevel: 'info', cacheTtl: 0, maxConnections: 10 },
  staging: { logLevel: 'info', cacheTtl: 300, maxConnections: 50 },
  production: { logLevel: 'warning', cacheTtl: 300, maxConnections: 100 },
};

function integer(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, not "${raw}"`);
  return value;
}

function required(env: Record<string, string | undefined>, name: string): string {
  const value = env[name];
  if (value === undefined || value === '')
    throw new Error(`${name} is not set (devenv up sets it in the stack)`);
  return value;
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const name = env['ENVIRONMENT'] ?? 'development';
  if (!ENVIRONMENTS.includes(name as Environment))
    throw new Error(`ENVIRONMENT must be one of ${ENVIRONMENTS.join(', ')}, not "${name}"`);
  const environment = name as Environment;
  const defaults = DEFAULTS[environment];
  return {
    environment,
    logLevel: env['LOG_LEVEL'] || defaults.logLevel,
    cacheTtl: integer(env, 'CACHE_TTL', defaults.cacheTtl),
    maxConnections: integer(env, 'MAX_CONNECTIONS', defaults.maxConnections),
    port: integer(env, 'PORT', 8080),
    databaseUrl: required(env, 'DATABASE_URL'),
    redisUrl: required(env, 'REDIS_URL'),
    migrateOnStart: env['MIGRATE_ON_START'] === 'true',
  };
}
