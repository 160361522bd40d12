import { describe, expect, it } from 'vitest';
import {
  buildName,
  copyName,
  hostTag,
  parseDatabaseName,
  staleDatabases,
  templateName,
  type Owner,
} from '../../../src/core/testdb/database-names.js';

const key = 'abcdef0123456789'.repeat(4);
const here = hostTag('laptop');
const there = hostTag('ci-runner');
const now = Date.UTC(2026, 0, 10, 12, 0, 0);
const owner = (pid: number, createdAt = now, tag = here): Owner => ({ hostTag: tag, pid, createdAt });

describe('database names', () => {
  it('names the template after the first 12 characters of the key', () => {
    expect(templateName(key)).toBe('devenv_tpl_abcdef012345');
  });

  it('puts host, pid, creation time and the run into a copy name, within 63 bytes', () => {
    const name = copyName(owner(4242), 'a1b2c3', 'Integration Run #7');
    expect(name).toBe(`devenv_run_${here}_4242_${(now / 1000).toString(36)}_a1b2c3_integration_run_7`);
    const long = copyName(owner(4242), 'a1b2c3', 'x'.repeat(100));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(copyName(owner(1), 'ff', '---')).toBe(`devenv_run_${here}_1_${(now / 1000).toString(36)}_ff`);
  });

  it('reads back what a name says, and ignores databases that are not devenv’s', () => {
    expect(parseDatabaseName(templateName(key))).toEqual({
      kind: 'template',
      name: 'devenv_tpl_abcdef012345',
      key12: 'abcdef012345',
    });
    const build = buildName(key, owner(77), 'beef');
    expect(parseDatabaseName(build)).toEqual({
      kind: 'build',
      name: build,
      key12: 'abcdef012345',
      owner: owner(77),
    });
    const copy = copyName(owner(78, now, there), '0a0a0a', 'r');
    expect(parseDatabaseName(copy)).toEqual({ kind: 'copy', name: copy, owner: owner(78, now, there) });
    for (const other of ['postgres', 'myapp_dev', 'devenv_something', 'devenv_tpl_short'])
      expect(parseDatabaseName(other)).toBeUndefined();
  });
});

describe('stale databases', () => {
  const alive = new Set([100, 200]);
  const policy = {
    self: { hostTag: here, pid: 100 },
    isProcessAlive: (pid: number) => alive.has(pid),
    now,
    staleAfterMs: 60 * 60 * 1000,
  };

  it('drops copies and builds whose owner process on this host is gone, keeps live and own ones', () => {
    const names = [
      copyName(owner(100), 'aa', 'mine'),
      copyName(owner(200), 'bb', 'other-terminal'),
      copyName(owner(300), 'cc', 'crashed'),
      buildName(key, owner(301), 'dd'),
      buildName(key, owner(200), 'ee'),
      'postgres',
    ];
    expect(staleDatabases(names, policy).map((d) => `${d.name}: ${d.reason}`)).toEqual([
      `${copyName(owner(300), 'cc', 'crashed')}: owner process 300 is gone`,
      `${buildName(key, owner(301), 'dd')}: owner process 301 is gone`,
    ]);
  });

  it('treats ready copies and the spare like leased copies: kept while their process lives, dropped after', () => {
    const names = ['pool', 'spare'].flatMap((what) => [
      copyName(owner(100), 'a1', what),
      copyName(owner(200), 'b2', what),
      copyName(owner(300), 'c3', what),
    ]);
    expect(names.map((name) => parseDatabaseName(name)?.kind)).toEqual(Array(6).fill('copy'));
    expect(staleDatabases(names, policy).map((d) => d.name)).toEqual([
      copyName(owner(300), 'c3', 'pool'),
      copyName(owner(300), 'c3', 'spare'),
    ]);
  });

  it('drops another host’s databases only after the age limit', () => {
    const fresh = copyName(owner(5, now - 10 * 60 * 1000, there), 'aa', 'ci');
    const old = copyName(owner(5, now - 2 * 60 * 60 * 1000, there), 'bb', 'ci');
    expect(staleDatabases([fresh, old], policy)).toEqual([{ name: old, reason: 'older than 60 min' }]);
  });

  it('keeps every template unless told which one is current', () => {
    const names = [templateName(key), templateName('0'.repeat(64))];
    expect(staleDatabases(names, policy)).toEqual([]);
    expect(staleDatabases(names, { ...policy, currentTemplate: templateName(key) })).toEqual([
      {
        name: 'devenv_tpl_000000000000',
        reason: 'template for another key (current: devenv_tpl_abcdef012345)',
      },
    ]);
  });
});
