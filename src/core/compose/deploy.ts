/**
 * A service's `deploy:` section apart from resources (runtime-options.ts reads those), and `scale`:
 * - the replica count, `deploy.replicas` or `scale` (which must agree, as docker compose says).
 *   devenv runs one container per service: a count other than 1 stays in the model, so `devenv
 *   diff` compares it, and a warning says that one container runs.
 * - `deploy.restart_policy`, as the engine's restart policy: it wins over `restart:`, as in
 *   docker compose (condition none/on-failure/any; max_attempts with on-failure).
 * The Swarm-only keys are named in warnings.
 */
import { formatKeyPath, type KeyPath } from './key-path.js';
import { invalidAt, isMapping, warnAt, type NormalizeContext } from './normalize-context.js';
import { integerAt } from './runtime-options.js';

export interface DeploySettings {
  /** deploy.replicas or scale, as written. */
  replicas?: number;
  /** deploy.restart_policy in `restart:` terms ("on-failure:3"); absent when there is none. */
  restart?: string;
  /** deploy.placement and deploy.endpoint_mode: applied by a scheduler (the Swarm backend) only. */
  placement?: PlacementSpec;
}

/** Where a scheduler may run a service's tasks (compose's deploy.placement), and how they are reached. */
export interface PlacementSpec {
  /** "node.labels.zone==a", "node.role!=manager". */
  constraints: string[];
  /** Spread descriptors ("node.labels.zone"). */
  spreadOver: string[];
  /** deploy.endpoint_mode. */
  endpointMode?: 'vip' | 'dnsrr';
}

/** The deploy keys read here or in runtime-options.ts; the others are warned about. */
const APPLIED_DEPLOY_KEYS = new Set(['resources', 'replicas', 'restart_policy']);

const SWARM_DEPLOY_KEYS = new Set(['mode', 'labels', 'rollback_config', 'update_config']);

/** Read here, applied by the Swarm backend only: a container engine runs one container anywhere. */
const SCHEDULER_DEPLOY_KEYS = new Set(['placement', 'endpoint_mode']);

/** restart_policy.condition -> the engine's policy name (docker compose maps the same way). */
const CONDITIONS: Record<string, string> = {
  none: 'no',
  no: 'no',
  'on-failure': 'on-failure',
  any: 'always',
  always: 'always',
  'unless-stopped': 'unless-stopped',
};

function warnSwarmKeys(context: NormalizeContext, path: KeyPath, deploy: Record<string, unknown>): void {
  for (const key of Object.keys(deploy)) {
    if (APPLIED_DEPLOY_KEYS.has(key) || key.startsWith('x-')) continue;
    // placement and endpoint_mode are read (placementSpec) for the Swarm backend; the container backend ignores them.
    const reason = SWARM_DEPLOY_KEYS.has(key) || SCHEDULER_DEPLOY_KEYS.has(key)
      ? 'is a Swarm setting; devenv runs one container per service and ignores it'
      : 'is not supported by devenv and is ignored';
    warnAt(context, [...path, key], `${formatKeyPath([...path, key])} ${reason}`);
  }
}

function replicas(
  context: NormalizeContext,
  path: KeyPath,
  service: Record<string, unknown>,
  deploy: Record<string, unknown>,
): number | undefined {
  const set = (value: unknown) => value !== undefined && value !== null;
  const fromDeploy = set(deploy.replicas)
    ? integerAt(context, [...path, 'deploy', 'replicas'], deploy.replicas, { min: 0 })
    : undefined;
  const scale = set(service.scale)
    ? integerAt(context, [...path, 'scale'], service.scale, { min: 0 })
    : undefined;
  if (scale !== undefined && fromDeploy !== undefined && scale !== fromDeploy)
    throw invalidAt(
      context,
      [...path, 'scale'],
      `can't set distinct values on 'scale' and 'deploy.replicas' (${scale} vs ${fromDeploy}); keep one of them`,
    );
  const count = fromDeploy ?? scale;
  if (count === undefined || count === 1) return count;
  const at = fromDeploy !== undefined ? [...path, 'deploy', 'replicas'] : [...path, 'scale'];
  warnAt(
    context,
    at,
    count === 0
      ? `${formatKeyPath(at)} is 0, but devenv runs one container per service and starts it (docker compose would start none; a profile leaves a service out)`
      : `${formatKeyPath(at)} is ${count}, but devenv runs one container per service: it starts 1 where docker compose would start ${count} (devenv diff still compares the count)`,
  );
  return count;
}

function restartPolicy(context: NormalizeContext, path: KeyPath, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value))
    throw invalidAt(context, path, 'expected a mapping with condition, max_attempts, delay and window');
  const written = value.condition ?? 'any';
  const condition = typeof written === 'string' ? CONDITIONS[written] : undefined;
  if (condition === undefined)
    throw invalidAt(
      context,
      [...path, 'condition'],
      `invalid condition ${JSON.stringify(written)}: use none, on-failure or any`,
    );
  let restart = condition;
  if (value.max_attempts !== undefined && value.max_attempts !== null) {
    const attempts = integerAt(context, [...path, 'max_attempts'], value.max_attempts, { min: 0 });
    if (condition === 'on-failure') restart = attempts === 0 ? condition : `${condition}:${attempts}`;
    else
      warnAt(
        context,
        [...path, 'max_attempts'],
        `${formatKeyPath([...path, 'max_attempts'])} is ignored: the engine limits restarts only with condition on-failure`,
      );
  }
  for (const key of ['delay', 'window'])
    if (value[key] !== undefined && value[key] !== null)
      warnAt(
        context,
        [...path, key],
        `${formatKeyPath([...path, key])} is ignored: a Swarm restart timing, the engine restarts with its own back-off`,
      );
  return restart;
}

/** `path` is the service's (['services', name]). */
export function normalizeDeploy(
  context: NormalizeContext,
  path: KeyPath,
  service: Record<string, unknown>,
): DeploySettings {
  const deploy = isMapping(service.deploy) ? service.deploy : {};
  const deployPath = [...path, 'deploy'];
  const settings: DeploySettings = {};
  const count = replicas(context, path, service, deploy);
  if (count !== undefined) settings.replicas = count;
  warnSwarmKeys(context, deployPath, deploy);
  const placement = placementSpec(context, deployPath, deploy);
  if (placement !== undefined) settings.placement = placement;
  const restart = restartPolicy(context, [...deployPath, 'restart_policy'], deploy.restart_policy);
  if (restart === undefined) return settings;
  settings.restart = restart;
  const own = service.restart;
  if (typeof own === 'string' && own !== restart)
    warnAt(
      context,
      [...path, 'restart'],
      `${formatKeyPath([...path, 'restart'])} "${own}" is overridden by deploy.restart_policy ("${restart}"), as in docker compose`,
    );
  return settings;
}

function stringList(context: NormalizeContext, path: KeyPath, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string'))
    throw invalidAt(context, path, 'expected a list of strings');
  return value as string[];
}

/** deploy.placement.constraints / preferences (spread) and deploy.endpoint_mode. */
function placementSpec(
  context: NormalizeContext,
  path: KeyPath,
  deploy: Record<string, unknown>,
): PlacementSpec | undefined {
  const placement = deploy.placement;
  const mode = deploy.endpoint_mode;
  if ((placement === undefined || placement === null) && (mode === undefined || mode === null)) return undefined;
  if (placement !== undefined && placement !== null && !isMapping(placement))
    throw invalidAt(context, [...path, 'placement'], 'expected a mapping with constraints and preferences');
  const at = [...path, 'placement'];
  const constraints = stringList(context, [...at, 'constraints'], isMapping(placement) ? placement.constraints : undefined);
  const preferences = isMapping(placement) ? placement.preferences : undefined;
  const spreadOver: string[] = [];
  if (preferences !== undefined && preferences !== null) {
    if (!Array.isArray(preferences)) throw invalidAt(context, [...at, 'preferences'], 'expected a list');
    preferences.forEach((preference: unknown, index) => {
      const spread = isMapping(preference) ? preference.spread : undefined;
      if (typeof spread !== 'string')
        throw invalidAt(context, [...at, 'preferences', index], 'expected a mapping with spread: DESCRIPTOR');
      spreadOver.push(spread);
    });
  }
  const spec: PlacementSpec = { constraints, spreadOver };
  if (mode !== undefined && mode !== null) {
    if (mode !== 'vip' && mode !== 'dnsrr')
      throw invalidAt(context, [...path, 'endpoint_mode'], `invalid endpoint mode ${JSON.stringify(mode)}: use vip or dnsrr`);
    spec.endpointMode = mode;
  }
  return spec;
}
