/**
 * Which service of a stack is "the database" for `devenv db snapshot`, and
 * which of its databases a snapshot is taken of by default.
 */
import type { ComposeProject } from '../compose/model.js';
import { DevenvError } from '../errors.js';
import { isPostgresService } from '../plan/fast-postgres.js';

/**
 * devenv.yaml `database.service` when set (it must be a service of the
 * template), else the template's one Postgres service (by image).
 */
export function databaseService(project: ComposeProject, configured: string | undefined): string {
  const names = Object.keys(project.services);
  if (configured !== undefined) {
    if (names.includes(configured)) return configured;
    throw new DevenvError(
      'SERVICE_NOT_FOUND',
      `devenv.yaml database.service names "${configured}", which is not a service of the template (${names.join(', ') || 'none'}).`,
      { hint: 'Set database.service in devenv.yaml to the Postgres service.' },
    );
  }
  const postgres = names.filter((name) => isPostgresService(project.services[name]!));
  if (postgres.length === 1) return postgres[0]!;
  throw new DevenvError(
    'SERVICE_NOT_FOUND',
    postgres.length === 0
      ? 'The template has no Postgres service (no service runs a postgres image).'
      : `The template has several Postgres services (${postgres.join(', ')}).`,
    { hint: 'Name it in devenv.yaml: `database: { service: <name> }`.' },
  );
}

/** The database a Postgres URL names; undefined when it is not one or names none. */
export function urlDatabase(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') return undefined;
  const path = parsed.pathname.replace(/^\//, '');
  if (path === '') return undefined;
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
