/** `devenv config`: the fully resolved model plus devenv's stack name, labels and planned ports. */
import { renderComposeConfig } from '../core/compose/render-config.js';
import { planPort, DEFAULT_PORT_POLICY, type PortPolicy } from '../core/plan/port-plan.js';
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

export async function showConfig(ctx: AppContext, options: ConfigOptions): Promise<ResolvedConfig> {
  const target = await resolveStackTarget(ctx, options);
  const { project, identity } = target;
  const policy: PortPolicy = {
    hostIp: options.hostIp ?? DEFAULT_PORT_POLICY.hostIp,
    fixedPorts: options.fixedPorts ?? false,
  };
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
          return {
            target: port.target,
            protocol: port.protocol,
            host_ip: planned.binding.hostIp,
            published: planned.binding.hostPort ?? 'auto',
            ...(planned.note ? { note: planned.note } : {}),
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
