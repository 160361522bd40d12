/** A protected environment (devenv.yaml `protected: true`) never runs on this machine's engine. */
import { isLocalEngineEndpoint } from '../core/config/engine-address.js';
import type { EnvironmentConfig } from '../core/config/devenv-config.js';
import { DevenvError } from '../core/errors.js';

export function refuseProtectedOnLocalEngine(environment: EnvironmentConfig, endpoint: string): void {
  if (!environment.protected || !isLocalEngineEndpoint(endpoint)) return;
  throw new DevenvError(
    'ENV_PROTECTED',
    `Environment "${environment.name}" is protected (devenv.yaml environments.${environment.name}.protected: true) and is never started on a local engine; the engine is ${endpoint}${environment.engine === undefined ? '' : ` (engine: ${environment.engine})`}.`,
    {
      hint: `Point environments.${environment.name}.engine at its remote engine (ssh://, tcp:// or a docker context), or start another environment with --env.`,
    },
  );
}
