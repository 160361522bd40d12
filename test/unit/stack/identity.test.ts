import { describe, expect, it } from 'vitest';
import {
  distinctNamePart,
  resourceNames,
  sanitizeNamePart,
  stackIdentity,
  stackImageRef,
} from '../../../src/core/stack/identity.js';

describe('stack identity', () => {
  it('names a stack after project, branch and owner with a short hash', () => {
    const identity = stackIdentity({ project: 'myapp', owner: 'alice', branch: 'main' });
    expect(identity.name).toMatch(/^myapp-main-alice-[0-9a-f]{6}$/);
    expect(identity).toMatchObject({ project: 'myapp', branch: 'main', owner: 'alice' });
  });

  it('gives different stacks to branches that sanitize alike', () => {
    const a = stackIdentity({ project: 'myapp', owner: 'alice', branch: 'feature/x' });
    const b = stackIdentity({ project: 'myapp', owner: 'alice', branch: 'feature-x' });
    expect(a.name.startsWith('myapp-feature-x-alice-')).toBe(true);
    expect(b.name.startsWith('myapp-feature-x-alice-')).toBe(true);
    expect(a.name).not.toBe(b.name);
  });

  it('gives different stacks to different owners and is stable', () => {
    const alice = stackIdentity({ project: 'p', owner: 'alice', branch: 'main' });
    const bob = stackIdentity({ project: 'p', owner: 'bob', branch: 'main' });
    expect(alice.name).not.toBe(bob.name);
    expect(stackIdentity({ project: 'p', owner: 'alice', branch: 'main' }).name).toBe(alice.name);
  });

  it('bounds the length and keeps Docker name rules', () => {
    const identity = stackIdentity({
      project: 'A'.repeat(80),
      owner: 'Very.Long_User Name',
      branch: 'feature/JIRA-1234/some very long description!!',
    });
    expect(identity.name.length).toBeLessThanOrEqual(20 + 1 + 20 + 1 + 12 + 1 + 6);
    expect(identity.name).toMatch(/^[a-z0-9][a-z0-9_.-]*$/);
  });

  it('uses an explicit --stack name as given, sanitized', () => {
    expect(stackIdentity({ project: 'p', owner: 'o', branch: 'b', explicitName: 'Preview/42' }).name).toBe(
      'preview-42',
    );
  });

  it('sanitizes name parts', () => {
    expect(sanitizeNamePart('--Hello World__')).toBe('hello-world');
    expect(sanitizeNamePart('***')).toBe('x');
  });

  it('names resources compose-like', () => {
    expect(resourceNames.container('s', 'postgres')).toBe('s-postgres-1');
    expect(resourceNames.network('s', 'default')).toBe('s_default');
    expect(resourceNames.volume('s', 'pgdata')).toBe('s_pgdata');
  });

  it('keeps Docker-safe names as they were (running stacks are not recreated)', () => {
    for (const name of ['web', 'my_app', 'api.v2', 'a-b', 'db1']) {
      expect(resourceNames.container('s', name)).toBe(`s-${name}-1`);
      expect(resourceNames.network('s', name)).toBe(`s_${name}`);
      expect(resourceNames.volume('s', name)).toBe(`s_${name}`);
      expect(resourceNames.image('s', name)).toBe(`devenv/s/${name}:latest`);
    }
  });

  it("reads a stack's image reference back, and nothing else as one", () => {
    for (const [stack, service] of [
      ['shop-main-alice-3f2a1c', 'app'],
      ['foo', 'bar-app'],
      ['foo-bar', 'app'],
      ['s', 'Web'],
    ] as const) {
      const ref = resourceNames.image(stack, service);
      expect(stackImageRef(ref)).toEqual({ stack, service: distinctNamePart(service) });
    }
    for (const tag of [
      'devenv/shop-app:0123456789abcdef',
      'devenv-s-app:latest',
      'devenv/s/app:1',
      'other/s/app:latest',
      'devenv/s/app/x:latest',
    ])
      expect(stackImageRef(tag), tag).toBeUndefined();
  });

  it('gives names that differ only in case, punctuation or past the length bound distinct resources', () => {
    const groups = [
      ['Web', 'web', 'WEB'],
      ['a..b', 'a-b', 'a.b', 'a_b', 'a__b'],
      ['x'.repeat(41), 'x'.repeat(40), 'x'.repeat(42)],
    ];
    for (const names of groups) {
      for (const kind of ['container', 'network', 'volume', 'image'] as const) {
        const engineNames = names.map((name) => resourceNames[kind]('s', name));
        expect(new Set(engineNames).size, `${kind}: ${engineNames.join(' ')}`).toBe(names.length);
        for (const engineName of engineNames) expect(engineName).toMatch(/^[a-z0-9][a-z0-9_.:/-]*$/);
      }
    }
    expect(resourceNames.container('s', 'Web')).toMatch(/^s-web-[0-9a-f]{6}-1$/);
    expect(resourceNames.volume('s', 'x'.repeat(80)).length).toBeLessThanOrEqual('s_'.length + 40);
  });
});
