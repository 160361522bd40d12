/**
 * Secret values a command must mask: the template's environment values whose
 * names look secret or are declared in devenv.yaml `secrets:`. Without a
 * template (--stack alone), only secret-looking names and URL passwords are masked.
 */
import type { AppContext } from '../app/context.js';
import { resolveStackTarget, type StackOptions } from '../app/stack-target.js';
import { loadDevenvConfig } from '../adapters/fs/devenv-config-file.js';
import { projectSecretValues } from '../core/redact.js';

export async function templateSecrets(ctx: AppContext, options: StackOptions): Promise<string[]> {
  const declared = loadDevenvConfig(ctx.cwd).secrets;
  const target = await resolveStackTarget(ctx, options).catch(() => undefined);
  return target ? projectSecretValues(target.project, declared) : [];
}
