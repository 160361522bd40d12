/** Which environment a command is about: its devenv.yaml settings, dev implied when not written. */
import { DevenvError } from '../errors.js';
import { DEFAULT_ENVIRONMENT, type DevenvConfig, type EnvironmentConfig } from './devenv-config.js';

/** dev with nothing set: what every project has without an `environments:` entry for it. */
export function impliedEnvironment(name: string): EnvironmentConfig {
  return { name, compose: [], composeAt: [], variables: {}, ephemeral: false, protected: false };
}

/** The names a project defines (dev always among them). */
export function environmentNames(config: Pick<DevenvConfig, 'environments'>): string[] {
  const names = Object.keys(config.environments ?? {});
  return names.includes(DEFAULT_ENVIRONMENT) ? names : [DEFAULT_ENVIRONMENT, ...names];
}

/** The environment called name; ENV_UNKNOWN listing the defined ones when there is none. */
export function environmentOf(config: Pick<DevenvConfig, 'environments'>, name: string): EnvironmentConfig {
  const defined = config.environments?.[name];
  if (defined !== undefined && Object.hasOwn(config.environments ?? {}, name)) return defined;
  if (name === DEFAULT_ENVIRONMENT) return impliedEnvironment(name);
  throw new DevenvError(
    'ENV_UNKNOWN',
    `There is no environment "${name}"; devenv.yaml defines: ${environmentNames(config).join(', ')}.`,
    {
      hint: 'Pass --env with one of those (or set DEVENV_ENV), or add it under `environments:` in devenv.yaml.',
    },
  );
}
