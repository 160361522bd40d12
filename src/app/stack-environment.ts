/** `devenv env`: the running stack's environment as seen from the host. */
import { DevenvError } from '../core/errors.js';
import type { AppContext } from './context.js';
import { stackHostEnv } from './stack-host-env.js';
import { envName } from '../core/env/host-env.js';
import { routedUrls } from './proxy.js';
import { resolveStackTarget, type StackOptions } from './stack-target.js';

export interface StackEnvironment {
  env: Record<string, string>;
  /** The values of devenv.yaml's declared secrets (from their sources): masked with every other known secret unless `--show-secrets`. */
  secretValues: string[];
}

export async function stackEnvironment(ctx: AppContext, options: StackOptions): Promise<StackEnvironment> {
  const target = await resolveStackTarget(ctx, options);
  const { info } = await ctx.engine();
  const observed = await (await ctx.backend()).observe(target.identity.name);
  if (observed.containers.length === 0) {
    throw new DevenvError('STACK_NOT_FOUND', `Stack "${target.identity.name}" is not running.`, {
      hint: 'Start it with `devenv up -d` (or pass --branch/--stack to pick another stack; `devenv ls` lists them).',
    });
  }
  const services = observed.containers.map((container) => ({
    service: container.facts.service,
    ports: container.ports,
  }));
  const env = stackHostEnv(target, info, services);
  // A stack the proxy routes: <SERVICE>_URL, its stable address (unless the template has that name).
  const proxyPort = observed.containers.map((c) => c.facts.proxyPort).find((port) => port !== undefined);
  for (const route of await routedUrls(ctx, target.identity.name, proxyPort)) {
    const key = `${envName(route.service)}_URL`;
    if (env[key] === undefined) env[key] = route.url;
  }
  return { env, secretValues: Object.values(target.secrets.values) };
}
