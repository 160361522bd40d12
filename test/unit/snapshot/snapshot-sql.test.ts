import { describe, expect, it } from 'vitest';
import {
  refillPlan,
  removePlan,
  restorePlan,
  savePlan,
  sweepPlan,
} from '../../../src/core/snapshot/snapshot-sql.js';

const terminate = (db: string) =>
  `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '${db}' AND pid <> pg_backend_pid()`;

describe('snapshot statements', () => {
  it('save: closes the source while it is copied, then the copy replaces the snapshot', () => {
    const plan = savePlan({
      source: 'app',
      snapshot: 'devenv_snap_t_s1',
      ready: 'devenv_snapr_t_s1',
      scratch: 'devenv_snapb_t_01',
      comment: "it's",
    });
    expect(plan).toEqual({
      close: ['ALTER DATABASE "app" WITH ALLOW_CONNECTIONS false', terminate('app')],
      copy: ['CREATE DATABASE "devenv_snapb_t_01" TEMPLATE "app"'],
      reopen: ['ALTER DATABASE "app" WITH ALLOW_CONNECTIONS true'],
      finish: [
        'ALTER DATABASE "devenv_snapb_t_01" WITH ALLOW_CONNECTIONS false',
        `COMMENT ON DATABASE "devenv_snapb_t_01" IS 'it''s'`,
        'DROP DATABASE IF EXISTS "devenv_snap_t_s1" WITH (FORCE)',
        'DROP DATABASE IF EXISTS "devenv_snapr_t_s1" WITH (FORCE)',
        'ALTER DATABASE "devenv_snapb_t_01" RENAME TO "devenv_snap_t_s1"',
      ],
    });
  });

  it('restore with a ready copy: aside and into place in one transaction, so a kill leaves the old database', () => {
    const plan = restorePlan({
      target: 'app',
      targetExists: true,
      snapshot: 'devenv_snap_t_s1',
      ready: 'devenv_snapr_t_s1',
      readyExists: true,
      trash: 'devenv_snapx_t_02',
      owner: 'app_owner',
    });
    expect(plan).toEqual({
      prepare: [],
      swap: [
        'BEGIN',
        'ALTER DATABASE "app" WITH ALLOW_CONNECTIONS false',
        terminate('app'),
        'ALTER DATABASE "app" RENAME TO "devenv_snapx_t_02"',
        'ALTER DATABASE "devenv_snapr_t_s1" RENAME TO "app"',
        'COMMIT',
      ],
      abort: ['ROLLBACK'],
      via: 'ready-copy',
    });
  });

  it('restore without a ready copy clones the snapshot into it first (never into the target); a missing database is just renamed in', () => {
    const plan = restorePlan({
      target: 'app',
      targetExists: false,
      snapshot: 'devenv_snap_t_s1',
      ready: 'devenv_snapr_t_s1',
      readyExists: false,
      trash: 'devenv_snapx_t_03',
      owner: 'app_owner',
    });
    expect(plan).toEqual({
      prepare: ['CREATE DATABASE "devenv_snapr_t_s1" TEMPLATE "devenv_snap_t_s1" OWNER "app_owner"'],
      swap: ['ALTER DATABASE "devenv_snapr_t_s1" RENAME TO "app"'],
      abort: [],
      via: 'clone',
    });
    const existing = restorePlan({
      target: 'app',
      targetExists: true,
      snapshot: 'devenv_snap_t_s1',
      ready: 'devenv_snapr_t_s1',
      readyExists: false,
      trash: 'devenv_snapx_t_03',
      owner: 'app_owner',
    });
    expect(existing.prepare).toHaveLength(1);
    expect(existing.swap[0]).toBe('BEGIN');
    expect(existing.swap.at(-1)).toBe('COMMIT');
  });

  it('refill, remove and sweep', () => {
    expect(refillPlan({ snapshot: 'devenv_snap_t_s1', ready: 'devenv_snapr_t_s1', owner: 'o' })).toEqual([
      'CREATE DATABASE "devenv_snapr_t_s1" TEMPLATE "devenv_snap_t_s1" OWNER "o"',
    ]);
    expect(removePlan({ snapshot: 'devenv_snap_t_s1', ready: 'devenv_snapr_t_s1' })).toEqual([
      'DROP DATABASE IF EXISTS "devenv_snap_t_s1" WITH (FORCE)',
      'DROP DATABASE IF EXISTS "devenv_snapr_t_s1" WITH (FORCE)',
    ]);
    expect(sweepPlan(['devenv_snapx_t_02'])).toEqual([
      'DROP DATABASE IF EXISTS "devenv_snapx_t_02" WITH (FORCE)',
    ]);
  });
});
