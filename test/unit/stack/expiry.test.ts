import { describe, expect, it } from 'vitest';
import { expiryReason } from '../../../src/core/stack/expiry.js';

const now = Date.parse('2026-11-26T12:00:00Z');
const context = { now, hostname: 'laptop', isProcessAlive: (pid: number) => pid === 100 };

describe('ephemeral stack expiry', () => {
  it('never expires stacks that are not ephemeral', () => {
    expect(
      expiryReason(
        {
          ephemeral: false,
          createdAt: '2000-01-01T00:00:00Z',
          ttlSeconds: 1,
          ownerPid: 5,
          ownerHost: 'laptop',
        },
        context,
      ),
    ).toBeUndefined();
  });

  it('expires after the TTL', () => {
    expect(
      expiryReason({ ephemeral: true, createdAt: '2026-11-26T11:00:00Z', ttlSeconds: 1800 }, context),
    ).toBe('TTL of 1800 s expired (age 3600 s)');
    expect(
      expiryReason({ ephemeral: true, createdAt: '2026-11-26T11:50:00Z', ttlSeconds: 1800 }, context),
    ).toBeUndefined();
  });

  it('expires when the owner process on this host is gone, not for other hosts', () => {
    expect(
      expiryReason(
        { ephemeral: true, createdAt: '2026-11-26T11:59:00Z', ownerPid: 7, ownerHost: 'laptop' },
        context,
      ),
    ).toBe('owner process 7 on laptop is gone');
    expect(
      expiryReason(
        { ephemeral: true, createdAt: '2026-11-26T11:59:00Z', ownerPid: 100, ownerHost: 'laptop' },
        context,
      ),
    ).toBeUndefined();
    expect(
      expiryReason(
        { ephemeral: true, createdAt: '2026-11-26T11:59:00Z', ownerPid: 7, ownerHost: 'other' },
        context,
      ),
    ).toBeUndefined();
  });
});
