/**
 * The image of the scratch Postgres: --image, else DEVENV_ANONYMIZE_IMAGE,
 * else the project's database service (devenv.yaml `database.service`, else
 * its one Postgres service), so the dump is restored by the Postgres the
 * project runs; else devenv's Postgres 15 stand-in.
 */
import { DevenvError, isDevenvError } from '../../core/errors.js';
import { isPostgresService } from '../../core/plan/fast-postgres.js';
import type { AppContext } from '../context.js';
import { resolveStackTarget, type StackOptions } from '../stack-target.js';

export const DEFAULT_ANONYMIZE_IMAGE = 'devenv-test/postgres:15';

export async function anonymizeImage(
  ctx: AppContext,
  request: { image?: string; stack: StackOptions },
): Promise<{ image: string; source: string }> {
  if (request.image !== undefined) return { image: request.image, source: '--image' };
  const fromEnv = ctx.env['DEVENV_ANONYMIZE_IMAGE'];
  if (fromEnv !== undefined && fromEnv.trim() !== '')
    return { image: fromEnv.trim(), source: 'DEVENV_ANONYMIZE_IMAGE' };
  try {
    ctx.project.composeFiles(ctx.cwd, request.stack.files, ctx.env);
  } catch (error) {
    if (isDevenvError(error) && error.code === 'COMPOSE_NOT_FOUND' && request.stack.files === undefined)
      return { image: DEFAULT_ANONYMIZE_IMAGE, source: 'no project here' };
    throw error;
  }
  let target;
  try {
    target = await resolveStackTarget(ctx, request.stack);
  } catch (error) {
    if (!isDevenvError(error)) throw error;
    // The template only names the image here: say how to do without it.
    throw new DevenvError(error.code, error.message, {
      hint: `${error.hint ? `${error.hint}; or ` : ''}pass --image IMAGE (the scratch Postgres's image) to leave the project's template out`,
      ...(error.location ? { location: error.location } : {}),
      details: error.details,
      exitCode: error.exitCode,
      cause: error,
    });
  }
  const named = ctx.project.devenvConfig(ctx.cwd).database?.service;
  const services = Object.entries(target.project.services);
  const [name, service] =
    (named !== undefined ? services.find(([n]) => n === named) : undefined) ??
    services.find(([, s]) => isPostgresService(s)) ??
    [];
  if (name !== undefined && service?.image !== undefined)
    return { image: service.image, source: `the project's ${name} service` };
  return { image: DEFAULT_ANONYMIZE_IMAGE, source: 'the project has no Postgres service' };
}
