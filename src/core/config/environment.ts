/** Which environment a command is about: its devenv.yaml settings, dev implied when not written. */
import { DevenvError } from '../errors.js';
import { DEFAULT_ENVIRONMENT, type DevenvConfig, type EnvironmentConfig } from './devenv-config.js';

/**
 * The environments every project has without writing them (the article's
 * four); devenv.yaml `environments:` adds others and sets these.
 */
export const IMPLIED_ENVIRONMENTS = [DEFAULT_ENVIRONMENT, 'test', 'staging', 'prod'] as const;

/**
 * An implied environment with nothing set: what a project has without an
 * `environments:` entry for it. An implied prod is protected (production is
 * behind human approval unless devenv.yaml says otherwise).
 */
export function impliedEnvironment(name: string): EnvironmentConfig {
  return { name, compose: [], composeAt: [], variables: {}, ephemeral: false, protected: name === 'prod' };
}

/** The names a project has: the implied four, then those devenv.yaml adds. */
export function environmentNames(config: Pick<DevenvConfig, 'environments'>): string[] {
  return [...new Set<string>([...IMPLIED_ENVIRONMENTS, ...Object.keys(config.environments ?? {})])];
}

/** The environment called name; ENV_UNKNOWN listing the defined ones when there is none. */
export function environmentOf(config: Pick<DevenvConfig, 'environments'>, name: string): EnvironmentConfig {
  const defined = config.environments?.[name];
  if (defined !== undefined && Object.hasOwn(config.environments ?? {}, name)) return defined;
  if ((IMPLIED_ENVIRONMENTS as readonly string[]).includes(name)) return impliedEnvironment(name);
  throw new DevenvError(
    'ENV_UNKNOWN',
    `There is no environment "${name}"; this project has: ${environmentNames(config).join(', ')}.`,
    {
      hint: 'Pass --env with one of those (or set DEVENV_ENV), or add it under `environments:` in devenv.yaml.',
    },
  );
}
