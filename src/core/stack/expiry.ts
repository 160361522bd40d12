/**
 * When an ephemeral stack has expired: its TTL ran out, or the process that
 * owns it (on this host) is gone. Stacks that are not ephemeral never expire.
 */
export interface StackLease {
  ephemeral: boolean;
  createdAt: string;
  ttlSeconds?: number;
  ownerPid?: number;
  ownerHost?: string;
}

export interface ExpiryContext {
  now: number;
  hostname: string;
  isProcessAlive(pid: number): boolean;
}

export function expiryReason(lease: StackLease, context: ExpiryContext): string | undefined {
  if (!lease.ephemeral) return undefined;
  const created = Date.parse(lease.createdAt);
  if (lease.ttlSeconds !== undefined && Number.isFinite(lease.ttlSeconds) && !Number.isNaN(created)) {
    const ageSeconds = (context.now - created) / 1000;
    if (ageSeconds > lease.ttlSeconds)
      return `TTL of ${lease.ttlSeconds} s expired (age ${Math.round(ageSeconds)} s)`;
  }
  if (
    lease.ownerPid !== undefined &&
    lease.ownerHost === context.hostname &&
    !context.isProcessAlive(lease.ownerPid)
  ) {
    return `owner process ${lease.ownerPid} on ${lease.ownerHost} is gone`;
  }
  return undefined;
}
