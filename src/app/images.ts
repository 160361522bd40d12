/**
 * Images for a stack, by each service's pull_policy as compose applies it:
 * missing (the default) uses the local image when present and pulls
 * otherwise; always pulls; never only uses the local image; daily, weekly
 * and every_N pull when the local one was last pulled longer ago; `build:`
 * services are built through the engine's build API when their image is
 * missing (pull_policy build: every time). Independent images are prepared
 * in parallel.
 *
 * A `build:` service without `image:` is named by the content of its build
 * inputs and shared by every stack with the same inputs (core/plan/build-inputs.ts):
 * a second branch finds it and starts without a build. The stack takes it by
 * adding its own tag (resourceNames.image), which its containers run and
 * which tells `down` and `gc` that this stack uses the image. A stack that
 * has its image keeps it until a forced build, as compose does.
 */
import type { ContainerEngine, ImageInfo } from '../contracts/engine.js';
import type { ComposeProject, ServiceSpec } from '../core/compose/model.js';
import { DevenvError } from '../core/errors.js';
import { buildInputsHash, contentImageTag } from '../core/plan/build-inputs.js';
import { pullWanted } from '../core/plan/pull-decision.js';
import { resourceNames } from '../core/stack/identity.js';
import { Labels } from '../core/stack/labels.js';
import type { AppContext } from './context.js';

export interface PreparedImage {
  ref: string;
  info: ImageInfo;
  source: 'local' | 'pulled' | 'built';
}

export interface ImageOptions {
  /** Whether to rebuild this `build:` service's image even when it exists. */
  forceBuild: (service: string) => boolean;
  /**
   * Labels of an image built under the template's `image:` name (the stack's, so `down` and `gc`
   * find it). Shared images carry their inputs' hash instead.
   */
  labels: Record<string, string>;
  /**
   * Shared (content-named) images: go by the build's inputs even when the stack's own reference
   * exists, so new files are built and the same files reuse the image (previews: a new commit).
   */
  byInputs?: boolean;
}

type BuildSpec = NonNullable<ServiceSpec['build']>;
type Ready = (ref: string, info: ImageInfo, source: PreparedImage['source'], shown?: string) => PreparedImage;

/** Builds `tag` while the build journal records it: what an interrupted build committed is found by gc and down. */
async function buildRecorded(
  ctx: AppContext,
  engine: ContainerEngine,
  stack: string,
  service: ServiceSpec,
  build: BuildSpec,
  tag: string,
  labels: Record<string, string>,
): Promise<string> {
  const record = await ctx.builds.begin(stack, tag, (await ctx.engine()).info.endpoint);
  let built = false;
  try {
    const id = await engine.buildImage(
      {
        contextDir: build.context,
        dockerfile: build.dockerfile,
        tag,
        args: build.args,
        labels,
        ...(build.target !== undefined ? { target: build.target } : {}),
        ...(service.platform !== undefined ? { platform: service.platform } : {}),
      },
      (progress) => ctx.emit({ type: 'image.building', service: service.name, image: tag, progress }),
      ctx.signal,
      (imageId) => record.committed(imageId),
    );
    built = true;
    return id;
  } finally {
    await (built ? record.succeeded() : record.failed()).catch(() => undefined);
  }
}

function notListed(ref: string, service: string): DevenvError {
  return new DevenvError(
    'IMAGE_BUILD_FAILED',
    `Built ${ref} for service "${service}" but the engine does not list it.`,
  );
}

/**
 * A `build:` service without `image:`. As compose does, a stack that has its image keeps it until
 * `--build` (or pull_policy build, b, develop.watch rebuild) builds again, even when the sources
 * changed: so only a stack without one pays for hashing the build context. That one takes the
 * image with the same inputs when there is one (another branch built it) by adding its own tag,
 * which its containers run; else the image is built under its content tag, then tagged. When the
 * image goes between finding (or building) and tagging it (another stack's `down`), it is built.
 */
async function prepareShared(
  ctx: AppContext,
  engine: ContainerEngine,
  stack: string,
  project: ComposeProject,
  service: ServiceSpec,
  build: BuildSpec,
  forceBuild: boolean,
  ready: Ready,
  byInputs = false,
): Promise<PreparedImage> {
  const ref = resourceNames.image(stack, service.name);
  const own = forceBuild || byInputs ? undefined : await engine.inspectImage(ref);
  if (own) return ready(ref, own, 'local');
  const hash = buildInputsHash({
    contextDigest: await ctx.buildContextDigest(build.context, build.dockerfile),
    dockerfile: build.dockerfile,
    args: build.args,
    labels: build.labels,
    ...(build.target !== undefined ? { target: build.target } : {}),
    ...(service.platform !== undefined ? { platform: service.platform } : {}),
  });
  const tag = contentImageTag(project.name, service.name, hash);
  if (!forceBuild) {
    const shared = await engine.inspectImage(tag);
    if (shared && (await engine.tagImage(shared.id, ref))) return ready(ref, shared, 'local', tag);
  }
  // One devenv label (see core/plan/build-inputs.ts and imageLabels in app/up.ts).
  const labels = { ...build.labels, [Labels.buildInputs]: hash };
  // Until tagged with the stack's reference the new image is one no stack uses: another stack's
  // `down` may remove it in between. Built again then (from the layer cache), once.
  let tagged = false;
  for (let attempt = 0; attempt < 2 && !tagged; attempt++) {
    const id = await buildRecorded(ctx, engine, stack, service, build, tag, labels);
    tagged = await engine.tagImage(id, ref);
  }
  if (!tagged) throw notListed(tag, service.name);
  const info = await engine.inspectImage(ref);
  if (!info) throw notListed(ref, service.name);
  return ready(ref, info, 'built', tag);
}

async function prepareService(
  ctx: AppContext,
  engine: ContainerEngine,
  stack: string,
  project: ComposeProject,
  service: ServiceSpec,
  options: ImageOptions,
): Promise<PreparedImage> {
  const started = ctx.clock.now();
  const ready: Ready = (ref, info, source, shown = ref) => {
    ctx.emit({
      type: 'image.ready',
      service: service.name,
      image: shown,
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
    const build = service.build;
    const forceBuild = options.forceBuild(service.name) || policy.policy === 'build';
    if (service.image === undefined)
      return prepareShared(ctx, engine, stack, project, service, build, forceBuild, ready, options.byInputs);
    // Built under the template's name, as compose does (shared by that name, not by content).
    const tag = service.image;
    let existing = forceBuild ? undefined : await engine.inspectImage(tag);
    // A named image may come from a registry; when the pull fails it is built, as compose does.
    if (!forceBuild && pullDue(existing)) {
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
    await buildRecorded(ctx, engine, stack, service, build, tag, { ...build.labels, ...options.labels });
    const info = await engine.inspectImage(tag);
    if (!info) throw notListed(tag, service.name);
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
      return [name, await prepareService(ctx, engine, stack, project, service, options)] as const;
    }),
  );
  return new Map(results);
}
