import { describe, expect, it } from 'vitest';
import {
  describeConnections,
  endConnections,
  maintenanceDatabase,
  retiredName,
  swapStatement,
} from '../../../src/core/data/database-swap.js';
import { defaultDumpFile } from '../../../src/core/data/dump-name.js';
import {
  loadCommand,
  pgDumpCommand,
  pgEnvironment,
  pgRestoreStampCommand,
} from '../../../src/core/data/pg-commands.js';

const login = { user: 'app', password: 's3cret-pw' };

describe('database swap', () => {
  it('uses a maintenance database that is never the one replaced', () => {
    expect(maintenanceDatabase('app_dev')).toBe('postgres');
    expect(maintenanceDatabase('postgres')).toBe('template1');
  });

  it('names the old database after the stack’s, within Postgres’s 63 bytes', () => {
    expect(retiredName('app_dev', 'a1b2c3')).toBe('app_dev_devenv_old_a1b2c3');
    expect(retiredName('x'.repeat(80), 'a1b2c3')).toHaveLength(63);
  });

  it('renames both in one statement, after the sessions are gone, quoting names', () => {
    const statement = swapStatement('my "db"', 'devenv_run_x_load', 'my "db"_devenv_old_1', 2);
    expect(statement).toMatch(/^DO \$devenv_swap\$ BEGIN FOR i IN 1\.\.40 LOOP/);
    expect(statement).toContain('datname = \'my "db"\'');
    expect(statement).toContain(`EXECUTE 'ALTER DATABASE "my ""db""" RENAME TO "my ""db""_devenv_old_1"';`);
    expect(statement).toContain(`EXECUTE 'ALTER DATABASE "devenv_run_x_load" RENAME TO "my ""db"""';`);
    expect(endConnections("o'brien")).toContain("datname = 'o''brien' AND pid <> pg_backend_pid()");
  });

  it('says which applications had sessions', () => {
    expect(describeConnections(['web', 'psql', 'web'])).toBe('3 connections (psql: 1, web: 2)');
    expect(describeConnections(['web'])).toBe('1 connection (web: 1)');
  });
});

describe('Postgres programs in the container', () => {
  it('never put the password on a command line', () => {
    for (const command of [
      pgDumpCommand(login, 'app_dev', 'custom'),
      loadCommand(login, 'scratch', 'custom'),
      loadCommand(login, 'scratch', 'plain'),
    ])
      expect(command.join(' ')).not.toContain(login.password);
    expect(pgEnvironment(login)).toMatchObject({ PGPASSWORD: login.password });
  });

  it('dump plain without owners and grants, restore custom without them, stop at the first error', () => {
    expect(pgDumpCommand(login, 'app_dev', 'plain')).toEqual(
      expect.arrayContaining(['--format=plain', '--no-owner', '--no-privileges']),
    );
    expect(pgDumpCommand(login, 'app_dev', 'custom')).not.toContain('--no-owner');
    expect(loadCommand(login, 'scratch', 'custom')).toEqual(
      expect.arrayContaining(['pg_restore', '--no-owner', '--no-privileges', '--exit-on-error']),
    );
    expect(loadCommand(login, 'scratch', 'plain')).toEqual(
      expect.arrayContaining(['psql', 'ON_ERROR_STOP=1']),
    );
    expect(pgRestoreStampCommand()).toEqual(
      expect.arrayContaining(['--schema=devenv_anonymization', '--table=stamp', '--file=-']),
    );
  });

  it('names a dump after the stack and the time (UTC), the format in the extension', () => {
    const at = Date.UTC(2026, 10, 30, 13, 5, 9);
    expect(defaultDumpFile('shop-main-alice-3f2a1c', 'custom', at)).toBe(
      'shop-main-alice-3f2a1c-20261130-130509.dump',
    );
    expect(defaultDumpFile('shop-main-alice-3f2a1c', 'plain', at)).toBe(
      'shop-main-alice-3f2a1c-20261130-130509.sql',
    );
  });
});
