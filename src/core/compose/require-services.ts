/**
 * A stack needs at least one service: an empty compose file, one without
 * services, or one whose every service needs an inactive profile is an error
 * naming the file(s), not a "ready" stack of nothing.
 */
import { DevenvError } from '../errors.js';
import type { ComposeProject } from './model.js';
import { displayPath } from './service-environment.js';

export function requireServices(project: ComposeProject): void {
  if (Object.keys(project.services).length > 0) return;
  const files = project.files.map((file) => displayPath(project.workingDir, file));
  const named = files.join(', ') || 'the compose file';
  const location = files[0] === undefined ? undefined : { file: files[0] };
  const disabled = Object.entries(project.profileDisabled ?? {});
  if (disabled.length > 0) {
    const profiles = [...new Set(disabled.flatMap(([, names]) => names))];
    const which = disabled
      .map(([service, names]) => `${service}: ${names.map((p) => `"${p}"`).join(', ')}`)
      .join('; ');
    throw new DevenvError(
      'COMPOSE_INVALID',
      `no services to start: every service in ${named} is left out by its profiles, and none of them is active (${which})`,
      {
        ...(location ? { location } : {}),
        hint: `activate a profile with --profile ${profiles[0] ?? 'NAME'} (or COMPOSE_PROFILES=${profiles.join(',')})`,
      },
    );
  }
  throw new DevenvError(
    'COMPOSE_INVALID',
    `${named} ${files.length > 1 ? 'define' : 'defines'} no services`,
    {
      ...(location ? { location } : {}),
      hint: 'add a service under `services:` (e.g. `services: {db: {image: postgres:16}}`), or pass -f with the compose file that has them',
    },
  );
}
