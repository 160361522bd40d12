/** A minimal resolved compose service for planning tests: nothing set unless given. */
import type { ServiceSpec } from '../../src/core/compose/model.js';

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
