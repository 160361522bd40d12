/**
 * The image of the scratch Postgres: --image, else DEVENV_ANONYMIZE_IMAGE,
 * else the project's database service (devenv.yaml `database.service`, else
 * its one Postgres service, as `devenv db snapshot` finds it), so the dump is restored by the Postgres the
 * project runs; else devenv's Postgres 15 stand-in.
 */
import { DevenvError, isDevenvError } from '../../core/errors.js';
import { databaseService } from '../../core/snapshot/database-service.js';
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
  const configured = ctx.project.devenvConfig(ctx.cwd).database?.service;
  let name: string;
  try {
    // As db snapshot finds it: devenv.yaml database.service, else the one Postgres service.
    name = databaseService(target.project, configured);
  } catch (error) {
    if (configured !== undefined || !isDevenvError(error)) throw error;
    return { image: DEFAULT_ANONYMIZE_IMAGE, source: `${error.message.replace(/\.$/, '')}: the default` };
  }
  const image = target.project.services[name]?.image;
  if (image === undefined)
    return {
      image: DEFAULT_ANONYMIZE_IMAGE,
      source: `the project's ${name} service has no image: the default`,
    };
  return { image, source: `the project's ${name} service` };
}
