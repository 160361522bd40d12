/**
 * An environment's `variables:` as defaults for every service's environment:
 * a service's own value (environment:, env_file:) wins, even an unset one.
 */
import type { ComposeProject } from './model.js';

export function withEnvironmentDefaults(
  project: ComposeProject,
  variables: Record<string, string>,
): ComposeProject {
  if (Object.keys(variables).length === 0) return project;
  const services = Object.fromEntries(
    Object.entries(project.services).map(([name, service]) => [
      name,
      { ...service, environment: { ...variables, ...service.environment } },
    ]),
  );
  return { ...project, services };
}
