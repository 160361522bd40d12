/**
 * The values of devenv.yaml's declared secrets for one environment, from
 * their sources in order (core/secrets/resolve-secrets.ts). Each value is
 * added to the mask the moment a source reads it, before anything can print
 * it; a secret required in this environment without a value stops here,
 * before the template is loaded and long before anything is created.
 */
import { dirname } from 'node:path';
import type { ComposeWarning } from '../core/compose/model.js';
import type { DevenvConfig } from '../core/config/devenv-config.js';
import {
  missingSecretsError,
  resolveSecrets,
  secretCommand,
  type ResolvedSecrets,
} from '../core/secrets/resolve-secrets.js';
import type { AppContext } from './context.js';

export interface StackSecrets extends ResolvedSecrets {
  environment: string;
  /** Things to fix that do not stop the command (a secrets file others can read). */
  warnings: ComposeWarning[];
}

export async function resolveStackSecrets(
  ctx: Pick<AppContext, 'cwd' | 'env' | 'secrets' | 'secretSources'>,
  config: Pick<DevenvConfig, 'file' | 'secretSources'>,
  environment: string,
): Promise<StackSecrets> {
  const warnings: ComposeWarning[] = [];
  if (config.secretSources.length === 0) return { values: {}, origins: {}, unset: [], environment, warnings };
  const projectDir = config.file === undefined ? ctx.cwd : dirname(config.file);
  const notes = {
    onSecretValues: (values: string[]) => ctx.secrets.add(values),
    warn: (message: string, hint: string) => warnings.push({ message: `${message} ${hint}` }),
  };
  const resolved = await resolveSecrets(config.secretSources, (secret, origin) =>
    ctx.secretSources[origin].read(
      {
        name: secret.name,
        environment,
        projectDir,
        env: ctx.env,
        ...(origin === 'command' && secret.command !== undefined
          ? { command: secretCommand(secret.command, environment) }
          : {}),
      },
      notes,
    ),
  );
  const missing = missingSecretsError(resolved.unset, environment);
  if (missing) throw missing;
  return { ...resolved, environment, warnings };
}
