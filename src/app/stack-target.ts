/**
 * Which stack a command is about: the compose template resolved for this
 * directory, and the identity (project + owner + branch, or --stack).
 */
import type { ResolvedCompose } from '../core/compose/model.js';
import { stackIdentity, type StackIdentity } from '../core/stack/identity.js';
import { projectSecretValues } from '../core/redact.js';
import type { AppContext } from './context.js';
import { resolveStackSecrets, type StackSecrets } from './stack-secrets.js';
import type { ComposeRequest } from '../contracts/project-source.js';
import { DEFAULT_ENVIRONMENT, type EnvironmentConfig } from '../core/config/devenv-config.js';
import { environmentOf } from '../core/config/environment.js';
import { withFastPostgres } from '../core/plan/fast-postgres.js';

/** How errors name the project's devenv.yaml. */
const DEVENV_CONFIG_NAME = 'devenv.yaml';

export interface StackOptions {
  files?: string[];
  branch?: string;
  stack?: string;
  profiles?: string[];
  /** The devenv.yaml environment (--env NAME or DEVENV_ENV); dev when absent. */
  environment?: string;
  /** The identity's owner instead of this user (previews: "preview"). */
  owner?: string;
}

export interface StackTarget extends ResolvedCompose {
  identity: StackIdentity;
  /** devenv.yaml's declared secrets resolved for the stack's environment (their values are masked). */
  secrets: StackSecrets;
  /** The devenv.yaml environment the stack is of (dev implied). */
  environment: EnvironmentConfig;
}

/** The environment options name (dev when none), from the project's devenv.yaml. */
export function targetEnvironment(ctx: AppContext, options: StackOptions): EnvironmentConfig {
  return environmentOf(ctx.project.devenvConfig(ctx.cwd), options.environment ?? DEFAULT_ENVIRONMENT);
}

/** The environment's overlays and variables as a compose request wants them. */
function environmentRequest(environment: EnvironmentConfig): Pick<ComposeRequest, 'overlays' | 'variables'> {
  return {
    overlays: environment.compose.map((file, index) => {
      const at = environment.composeAt[index];
      return { file, ...(at ? { declaredAt: { file: DEVENV_CONFIG_NAME, ...at } } : {}) };
    }),
    variables: environment.variables,
  };
}

function devenvVars(identity: StackIdentity): Record<string, string> {
  return { DEVENV_STACK: identity.name, DEVENV_BRANCH: identity.branch, DEVENV_USER: identity.owner };
}

export async function resolveStackTarget(ctx: AppContext, options: StackOptions): Promise<StackTarget> {
  const branch = options.branch ?? (await ctx.gitBranch(ctx.cwd));
  const owner = options.owner ?? ctx.host.user;
  const config = ctx.project.devenvConfig(ctx.cwd);
  const declaredSecrets = config.secrets;
  const environment = targetEnvironment(ctx, options);
  // Before the template: a required secret missing here stops every command that would use it.
  const secrets = await resolveStackSecrets(ctx, config, environment.name);
  const load = (identity: StackIdentity) =>
    ctx.project.loadCompose({
      cwd: ctx.cwd,
      files: options.files,
      env: ctx.env,
      // Declared secrets win over the shell and .env (they come from their own sources, in order).
      extraVars: { ...secrets.values, ...devenvVars(identity) },
      profiles: options.profiles ?? [],
      ...environmentRequest(environment),
      declaredSecrets,
      onSecretValues: (values) => ctx.secrets.add(values),
    });
  // The project name can come from the template; the stack name comes from the project name.
  const named = { owner, branch, environment: environment.name, explicitName: options.stack };
  const provisional = stackIdentity({ project: 'devenv', ...named });
  const first = await load(provisional);
  const identity = stackIdentity({ project: first.project.name, ...named });
  // Loaded again only when the template names devenv's own variables (DEVENV_STACK, ...).
  const again = identity.name !== provisional.name && first.readsDevenvVariables !== false;
  const loaded = again ? await load(identity) : first;
  const resolved =
    environment.postgres === 'fast' ? { ...loaded, project: withFastPostgres(loaded.project) } : loaded;
  ctx.secrets.add(projectSecretValues(resolved.project, declaredSecrets));
  return {
    ...resolved,
    warnings: [...secrets.warnings, ...resolved.warnings],
    identity,
    environment,
    secrets,
  };
}

/** The identity alone, for commands that can work from labels when no template is around (down, logs, ls). */
export async function resolveIdentityOnly(
  ctx: AppContext,
  options: StackOptions,
): Promise<StackIdentity | undefined> {
  if (options.stack !== undefined) {
    const branch = options.branch ?? (await ctx.gitBranch(ctx.cwd));
    return stackIdentity({
      project: '',
      owner: ctx.host.user,
      branch,
      environment: options.environment ?? DEFAULT_ENVIRONMENT,
      explicitName: options.stack,
    });
  }
  return undefined;
}
