/**
 * Whether a service's pull_policy asks the engine to pull its image, given the
 * image the engine already has (if any), as compose decides it: always pulls;
 * never and build never pull; missing pulls only what is absent; daily, weekly
 * and every_N pull when the local image was last pulled (tagged) longer ago.
 */
import type { PullPolicySpec } from '../compose/model.js';

export function pullWanted(
  policy: PullPolicySpec | undefined,
  local: { lastTaggedAt?: string } | undefined,
  now: number,
): boolean {
  switch (policy?.policy ?? 'missing') {
    case 'always':
      return true;
    case 'never':
    case 'build':
      return false;
    case 'missing':
      return local === undefined;
    case 'refresh': {
      const every = policy?.policy === 'refresh' ? policy.everyMs : 0;
      const last = local?.lastTaggedAt === undefined ? Number.NaN : Date.parse(local.lastTaggedAt);
      // Unknown or unparsable last pull: due.
      return !(now < last + every);
    }
  }
}
