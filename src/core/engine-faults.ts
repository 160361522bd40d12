/**
 * Faults of the engine's machine rather than of a request: its disk is full,
 * or its address pools have no subnet left for another network. The engine
 * words them in many places (creating a volume, a container's layer, a build's
 * temporary directory, a RUN step's output, an exec, a copy), so they are
 * recognized by the engine's own words, and each becomes one typed error with
 * the next step, whatever call met it.
 */
import { DevenvError } from './errors.js';

/** ENOSPC as the engine and the tools in a container word it ("no space left on device"). */
const DISK_FULL = /no space left on device|disk quota exceeded/i;

/** dockerd's words when no pool has a subnet left ("could not find an available, non-overlapping IPv4 address pool ..."). */
const POOLS_EXHAUSTED =
  /could not find an available, non-overlapping ipv[46] address pool|address pools? (have been )?(fully subnetted|exhausted)/i;

export function isDiskFullMessage(text: string): boolean {
  return DISK_FULL.test(text);
}

export function isAddressPoolsExhaustedMessage(text: string): boolean {
  return POOLS_EXHAUSTED.test(text);
}

export const DISK_FULL_HINT =
  'See what fills it with `docker system df`; `devenv gc` removes stale stacks and the images devenv left, `docker system prune` (add --volumes for unused volumes) what else is unused; then run the command again.';

/**
 * ENGINE_DISK_FULL. `action` says what devenv was doing ("create container
 * shop-main-db-1"), `engineMessage` is the engine's own words, kept as a detail.
 */
export function diskFullError(
  action: string,
  engineMessage: string,
  options: { details?: string[]; cause?: unknown } = {},
): DevenvError {
  return new DevenvError(
    'ENGINE_DISK_FULL',
    `Could not ${action}: the Docker engine's disk is full (no space left on device).`,
    {
      hint: DISK_FULL_HINT,
      details: [engineMessage, ...(options.details ?? [])].filter((line) => line.trim() !== ''),
      cause: options.cause,
    },
  );
}

/** A stack `devenv gc` would remove, and why (its dry run's verdict). */
export interface StaleStack {
  stack: string;
  reason: string;
}

const POOLS_FIX =
  'for more networks, give the engine smaller subnets in /etc/docker/daemon.json (`"default-address-pools": [{"base": "10.200.0.0/16", "size": 24}]`) and restart it.';

/** ENGINE_ADDRESS_POOLS_EXHAUSTED, before devenv knows which stacks gc would free. */
export function addressPoolsExhaustedError(
  action: string,
  engineMessage: string,
  cause?: unknown,
): DevenvError {
  return new DevenvError(
    'ENGINE_ADDRESS_POOLS_EXHAUSTED',
    `Could not ${action}: the Docker engine's address pools are exhausted (every subnet they hold is taken by a network).`,
    {
      hint: `\`docker network ls\` shows the networks; \`devenv gc\` removes stale devenv stacks with theirs, \`docker network prune\` unused networks; ${POOLS_FIX}`,
      details: [engineMessage],
      cause,
    },
  );
}

/**
 * The same error naming the stale stacks whose networks `devenv gc` would
 * free (none: it says so, and that stacks in use must go by `devenv down`).
 */
export function withStaleStacks(error: DevenvError, stale: readonly StaleStack[]): DevenvError {
  const listed = stale.map((s) => `stale: ${s.stack} (${s.reason})`);
  const hint =
    stale.length === 0
      ? `No devenv stack is stale, so \`devenv gc\` frees none: remove stacks you no longer need with \`devenv down --stack NAME\` (\`devenv ls\` lists them), or other networks with \`docker network prune\`; ${POOLS_FIX}`
      : `Run \`devenv gc\`: it removes ${stale.length === 1 ? 'the stale stack' : `the ${stale.length} stale stacks`} above and frees ${stale.length === 1 ? 'its network' : 'their networks'}; then run the command again. Or ${POOLS_FIX}`;
  return new DevenvError(
    'ENGINE_ADDRESS_POOLS_EXHAUSTED',
    `${error.message} ${stale.length === 0 ? 'No devenv stack is stale.' : `\`devenv gc\` would free ${stale.length === 1 ? '1 stale stack' : `${stale.length} stale stacks`}: ${stale.map((s) => s.stack).join(', ')}.`}`,
    { hint, details: [...error.details, ...listed], cause: error.cause ?? error },
  );
}
