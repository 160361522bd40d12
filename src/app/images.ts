/**
 * Images for a stack, by each service's pull_policy as compose applies it:
 * missing (the default) uses the local image when present and pulls
 * otherwise; always pulls; never only uses the local image; daily, weekly
 * and every_N pull when the local one was last pulled longer ago; `build:`
 * services are built through the engine's build API when their image is
 * missing (pull_policy build: every time). Independent images are prepared
 * in parallel.
 */
import type { ContainerEngine, ImageInfo } from '../contracts/engine.js';
import type { ComposeProject, ServiceSpec } from '../core/compose/model.js';
import { DevenvError } from '../core/errors.js';
import { pullWanted } from '../core/plan/pull-decision.js';
import { resourceNames } from '../core/stack/identity.js';
import type { AppContext } from './context.js';

export interface PreparedImage {
  ref: string;
  info: ImageInfo;
  source: 'local' | 'pulled' | 'built';
}

export interface ImageOptions {
  /** Whether to rebuild this `build:` service's image even when it exists. */
  forceBuild: (service: string) => boolean;
  /** The stack's labels: images devenv builds carry them, so `down` and `gc` find and remove them. */
  labels: Record<string, string>;
}

async function prepareService(
  ctx: AppContext,
  engine: ContainerEngine,
  stack: string,
  service: ServiceSpec,
  options: ImageOptions,
): Promise<PreparedImage> {
  const started = ctx.clock.now();
  const ready = (ref: string, info: ImageInfo, source: PreparedImage['source']): PreparedImage => {
    ctx.emit({
      type: 'image.ready',
      service: service.name,
      image: ref,
      source,
      durationMs: ctx.clock.now() - started,
    });
    return { ref, info, source };
  };
  const policy = service.pullPolicy ?? { policy: 'missing' };
  const platform = service.platform !== undefined ? { platform: service.platform } : {};
  const pull = async (ref: string): Promise<PreparedImage> => {
    await engine.pullImage(
      ref,
      (progress) => ctx.emit({ type: 'image.pulling', service: service.name, image: ref, progress }),
      ctx.signal,
      platform,
    );
    const pulled = await engine.inspectImage(ref);
    if (!pulled) throw new DevenvError('IMAGE_PULL_FAILED', `Pulled ${ref} but the engine does not list it.`);
    return ready(ref, pulled, 'pulled');
  };
  const pullDue = (local: ImageInfo | undefined): boolean =>
    pullWanted(service.pullPolicy, local, ctx.clock.now());

  if (service.build) {
    const tag = service.image ?? resourceNames.image(stack, service.name);
    const build = service.build;
    const forceBuild = options.forceBuild(service.name) || policy.policy === 'build';
    let existing = forceBuild ? undefined : await engine.inspectImage(tag);
    // A named image may come from a registry; when the pull fails it is built, as compose does.
    if (!forceBuild && service.image !== undefined && pullDue(existing)) {
      try {
        return await pull(tag);
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        ctx.emit({
          type: 'info',
          message: `${service.name}: could not pull ${tag} (pull_policy ${policy.policy === 'refresh' ? policy.written : policy.policy}); ${existing ? 'using the local image' : 'building it'}`,
        });
        existing ??= await engine.inspectImage(tag);
      }
    }
    if (existing) return ready(tag, existing, 'local');
    // Recorded while it runs: what a build interrupted (even by kill -9) committed is found by gc and down.
    const record = await ctx.builds.begin(stack, tag);
    let built = false;
    try {
      await engine.buildImage(
        {
          contextDir: build.context,
          dockerfile: build.dockerfile,
          tag,
          args: build.args,
          labels: { ...build.labels, ...options.labels },
          ...(build.target !== undefined ? { target: build.target } : {}),
          ...platform,
        },
        (progress) => ctx.emit({ type: 'image.building', service: service.name, image: tag, progress }),
        ctx.signal,
        (imageId) => record.committed(imageId),
      );
      built = true;
    } finally {
      await (built ? record.succeeded() : record.failed()).catch(() => undefined);
    }
    const info = await engine.inspectImage(tag);
    if (!info)
      throw new DevenvError(
        'IMAGE_BUILD_FAILED',
        `Built ${tag} for service "${service.name}" but the engine does not list it.`,
      );
    return ready(tag, info, 'built');
  }
  const ref = service.image;
  if (!ref) {
    throw new DevenvError('COMPOSE_INVALID', `Service "${service.name}" has neither image nor build.`, {
      hint: 'Add `image:` or `build:` to the service.',
    });
  }
  const local = await engine.inspectImage(ref);
  if (policy.policy === 'never' && !local) {
    throw new DevenvError(
      'IMAGE_NOT_FOUND',
      `Image ${ref} for service "${service.name}" is not on the engine, and its pull_policy is "never".`,
      {
        hint: `Pull or build it yourself (\`docker pull ${ref}\`), or change pull_policy to "missing" so devenv pulls it.`,
      },
    );
  }
  if (local && !pullDue(local)) return ready(ref, local, 'local');
  return pull(ref);
}

export async function prepareImages(
  ctx: AppContext,
  engine: ContainerEngine,
  stack: string,
  project: ComposeProject,
  services: string[],
  options: ImageOptions,
): Promise<Map<string, PreparedImage>> {
  const results = await Promise.all(
    services.map(async (name) => {
      const service = project.services[name];
      if (!service) throw new DevenvError('SERVICE_NOT_FOUND', `No service "${name}" in the template.`);
      return [name, await prepareService(ctx, engine, stack, service, options)] as const;
    }),
  );
  return new Map(results);
}
