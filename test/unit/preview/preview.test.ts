import { describe, expect, it } from 'vitest';
import {
  previewExpiryReason,
  previewIdentity,
  previewWorktreePath,
  type PreviewLease,
} from '../../../src/core/preview/preview.js';
import { stackIdentity } from '../../../src/core/stack/identity.js';

const now = Date.parse('2026-11-30T12:00:00Z');
const lease = (over: Partial<PreviewLease> = {}): PreviewLease => ({
  branch: 'feature/x',
  refreshedAt: now - 3600_000,
  ttlSeconds: 72 * 3600,
  aheadOfDefault: true,
  ...over,
});

describe('preview identity', () => {
  it("never shares a name with a developer's own stack of the branch", () => {
    const preview = previewIdentity('shop', 'feature/x');
    const own = stackIdentity({ project: 'shop', owner: 'alice', branch: 'feature/x' });
    expect(preview.name).not.toBe(own.name);
    expect(preview.owner).toBe('preview');
    expect(previewIdentity('shop', 'feature/x', 'staging').name).not.toBe(preview.name);
  });

  it("keeps its worktree under devenv's directory, one per repository, branch and environment, named like the repository", () => {
    const a = previewWorktreePath('/cache/previews', '/home/alice/shop', 'feature/x');
    expect(a).toMatch(/^\/cache\/previews\/shop-[0-9a-f]{8}\/feature-x-[0-9a-f]{8}\/shop$/);
    expect(previewWorktreePath('/cache/previews', '/home/alice/shop', 'feature-x')).not.toBe(a);
    expect(previewWorktreePath('/cache/previews', '/home/bob/shop', 'feature/x')).not.toBe(a);
    expect(previewWorktreePath('/cache/previews', '/home/alice/shop', 'feature/x', 'staging')).not.toBe(a);
  });
});

describe('preview expiry', () => {
  it('keeps a fresh preview of a live branch', () => {
    expect(previewExpiryReason(lease(), { kind: 'present', tip: 'abc' }, now)).toBeUndefined();
  });

  it('removes one whose TTL passed since its last up', () => {
    expect(
      previewExpiryReason(lease({ refreshedAt: now - 73 * 3600_000 }), { kind: 'present', tip: 'abc' }, now),
    ).toMatch(/TTL of 72h passed/);
  });

  it('removes one whose branch was deleted', () => {
    expect(previewExpiryReason(lease(), { kind: 'deleted' }, now)).toBe('branch feature/x was deleted');
  });

  it('removes one whose branch was merged into the default branch, if it had commits of its own', () => {
    const merged = { kind: 'present' as const, tip: 'abc', mergedInto: 'main' };
    expect(previewExpiryReason(lease(), merged, now)).toBe('branch feature/x was merged into main');
    // A branch just made from main is contained in main without having been merged.
    expect(previewExpiryReason(lease({ aheadOfDefault: false }), merged, now)).toBeUndefined();
  });

  it('says how a squash or rebase landed it', () => {
    const landed = (landing: 'squashed' | 'rebased') =>
      previewExpiryReason(lease(), { kind: 'present', tip: 'abc', mergedInto: 'main', landing }, now);
    expect(landed('squashed')).toBe('branch feature/x was squash-merged into main');
    expect(landed('rebased')).toBe('branch feature/x was rebased onto main');
  });

  it('goes by its TTL alone when the branch cannot be asked about', () => {
    expect(previewExpiryReason(lease(), { kind: 'unknown', why: 'elsewhere' }, now)).toBeUndefined();
  });
});

describe('worktree bind mounts (refused on a remote engine)', () => {
  it('names the bind mounts of files in the worktree, not volumes or paths elsewhere', async () => {
    const { worktreeBinds } = await import('../../../src/core/preview/preview.js');
    const dir = '/cache/previews/shop-1/feat-2/shop';
    expect(
      worktreeBinds(
        {
          web: {
            volumes: [
              { type: 'bind', source: `${dir}/src`, target: '/app/src' },
              { type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' },
              { type: 'volume', source: 'data', target: '/data' },
              { type: 'bind', source: `${dir}-other`, target: '/x' },
            ],
          },
          db: { volumes: [{ type: 'bind', source: dir, target: '/all' }] },
        },
        dir,
      ),
    ).toEqual([
      { service: 'web', source: `${dir}/src`, target: '/app/src' },
      { service: 'db', source: dir, target: '/all' },
    ]);
  });
});
