/** Minimal resolved compose services and projects for planning tests: nothing set unless given. */
import type { ComposeProject, ServiceSpec } from '../../src/core/compose/model.js';

export function serviceSpec(name: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name,
    environment: {},
    ports: [],
    expose: [],
    volumes: [],
    dependsOn: {},
    labels: {},
    networks: { default: { aliases: [] } },
    profiles: [],
    secrets: [],
    configs: [],
    extraHosts: [],
    extensions: {},
    ...overrides,
  };
}

/** A project `p` in /p with these services and nothing else. */
export function composeProject(overrides: Partial<ComposeProject> = {}): ComposeProject {
  return {
    name: 'p',
    workingDir: '/p',
    files: [],
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
    extensions: {},
    services: {},
    ...overrides,
  };
}
