/** `devenv config`: the fully resolved model plus devenv's stack name, labels and planned ports. */
import { renderComposeConfig } from '../core/compose/render-config.js';
import {
  defaultHostIp,
  isWildcardHostIp,
  planPort,
  DEFAULT_PORT_POLICY,
  type PortPolicy,
} from '../core/plan/port-plan.js';
import { publishedHostOf } from '../core/config/engine-address.js';
import type { EnvironmentConfig } from '../core/config/devenv-config.js';
import { resourceNames } from '../core/stack/identity.js';
import { engineLabels, stackLabels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';
import { resolveStackTarget, type StackOptions } from './stack-target.js';

export interface ConfigOptions extends StackOptions {
  fixedPorts?: boolean;
  hostIp?: string;
}

export interface ResolvedConfig {
  config: Record<string, unknown>;
  warnings: string[];
}

/**
 * The engine `up` would talk to, as far as config tells without connecting: the
 * environment's `engine:`, else the shell's DOCKER_HOST or DOCKER_CONTEXT.
 */
function engineOf(env: AppContext['env'], environment: EnvironmentConfig): string | undefined {
  if (environment.engine !== undefined) return environment.engine;
  const host = env['DOCKER_HOST']?.trim();
  if (host) return host.includes('://') ? host : `tcp://${host}`;
  const context = env['DOCKER_CONTEXT']?.trim();
  return context && context !== 'default' ? context : undefined;
}

/** up's default host IP for that engine; a docker context's address is known only once it is read. */
function plannedHostIp(engine: string | undefined): { hostIp: string; note?: string } {
  if (engine === undefined) return { hostIp: DEFAULT_PORT_POLICY.hostIp };
  const publishedHost = publishedHostOf(engine);
  if (publishedHost === undefined)
    return {
      hostIp: DEFAULT_PORT_POLICY.hostIp,
      note: `on the engine's own address instead when docker context ${engine} is remote`,
    };
  return { hostIp: defaultHostIp(publishedHost).hostIp };
}

export async function showConfig(ctx: AppContext, options: ConfigOptions): Promise<ResolvedConfig> {
  const target = await resolveStackTarget(ctx, options);
  const { project, identity } = target;
  const byDefault = plannedHostIp(engineOf(ctx.env, target.environment));
  const policy: PortPolicy = {
    hostIp: options.hostIp ?? byDefault.hostIp,
    fixedPorts: options.fixedPorts ?? false,
  };
  const engineNote = options.hostIp === undefined ? byDefault.note : undefined;
  const labels = stackLabels({
    identity,
    createdAt: new Date(ctx.clock.now()),
    workingDir: project.workingDir,
    composeFiles: project.files,
    lifetime: { ephemeral: false },
    version: ctx.version,
  });
  const services = Object.fromEntries(
    Object.values(project.services).map((service) => [
      service.name,
      {
        container: resourceNames.container(identity.name, service.name),
        ports: service.ports.map((port) => {
          const planned = planPort(port, policy);
          const fromPolicy = port.hostIp === undefined || isWildcardHostIp(port.hostIp);
          const note = [planned.note, fromPolicy ? engineNote : undefined].filter(Boolean).join('; ');
          return {
            target: port.target,
            protocol: port.protocol,
            host_ip: planned.binding.hostIp,
            published: planned.binding.hostPort ?? 'auto',
            ...(note ? { note } : {}),
          };
        }),
      },
    ]),
  );
  const config = {
    ...renderComposeConfig(project),
    'x-devenv': {
      stack: identity.name,
      project: identity.project,
      branch: identity.branch,
      owner: identity.owner,
      environment: identity.environment,
      files: project.files,
      labels: engineLabels(labels),
      services,
    },
  };
  return { config, warnings: target.warnings.map((w) => w.message) };
}
