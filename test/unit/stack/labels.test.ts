import { describe, expect, it } from 'vitest';
import { stackIdentity } from '../../../src/core/stack/identity.js';
import {
  boundedLabelValue,
  DERIVED_SELECTOR_KEYS,
  engineLabels,
  isSelectorKey,
  Labels,
  MAX_LABEL_VALUE,
  SELECTOR_KEYS,
  serviceLabels,
  stackLabels,
  workingDirHash,
  type StackLabelInput,
} from '../../../src/core/stack/labels.js';
import { isSelectorValue } from '../../../src/core/stack/selector-value.js';
import { randomStrings } from '../../support/random-strings.js';

const input = (overrides: Partial<StackLabelInput> = {}): StackLabelInput => ({
  identity: stackIdentity({ project: 'myapp', owner: 'alice', branch: 'main' }),
  createdAt: new Date(0),
  workingDir: '/home/alice/myapp',
  composeFiles: ['/home/alice/myapp/compose.yaml'],
  lifetime: { ephemeral: true, ttlSeconds: 3600, ownerPid: 42, ownerHost: 'laptop' },
  version: '0.1.0',
  ...overrides,
});

describe('label values', () => {
  it('keeps short values as they are', () => {
    const { annotations } = stackLabels(input());
    expect(annotations[Labels.workingDir]).toBe('/home/alice/myapp');
    expect(annotations[Labels.composeFiles]).toBe('/home/alice/myapp/compose.yaml');
    expect(annotations[Labels.project]).toBe('myapp');
    expect(boundedLabelValue('x'.repeat(MAX_LABEL_VALUE))).toBe('x'.repeat(MAX_LABEL_VALUE));
  });

  it('bounds every stack label, however long the project, branch, owner, directory or file list', () => {
    const long = (seed: string) => seed.repeat(200_000);
    const labels = engineLabels(
      stackLabels(
        input({
          identity: stackIdentity({ project: long('p'), owner: long('o'), branch: long('b') }),
          workingDir: `/${long('d')}`,
          composeFiles: Array.from({ length: 5000 }, (_, i) => `/work/project/stack/compose.part-${i}.yaml`),
        }),
      ),
    );
    for (const [key, value] of Object.entries(labels)) {
      expect(value.length, key).toBeLessThanOrEqual(MAX_LABEL_VALUE);
    }
    expect(labels[Labels.composeFiles]).toMatch(
      /^\/work\/project\/stack\/compose\.part-0\.yaml,.*…sha256:[0-9a-f]{16}$/,
    );
  });

  it('keeps long values that differ apart (hash of the whole value)', () => {
    const a = boundedLabelValue(`${'x'.repeat(2000)}a`);
    const b = boundedLabelValue(`${'x'.repeat(2000)}b`);
    expect(a).not.toBe(b);
    expect(a.length).toBe(MAX_LABEL_VALUE);
  });
});

describe('selectors and annotations', () => {
  it('writes every label written before the split, value for value, plus the derived selectors', () => {
    const labels = engineLabels(
      stackLabels(
        input({ identity: stackIdentity({ project: 'myapp', owner: 'alice', branch: 'feature/x' }) }),
      ),
    );
    const before = Object.fromEntries(
      Object.entries(labels).filter(([key]) => !DERIVED_SELECTOR_KEYS.has(key)),
    );
    // What stackLabels returned before selectors and annotations were apart.
    expect(before).toEqual({
      'dev.devenv.stack': stackIdentity({ project: 'myapp', owner: 'alice', branch: 'feature/x' }).name,
      'dev.devenv.project': 'myapp',
      'dev.devenv.branch': 'feature/x',
      'dev.devenv.owner': 'alice',
      'dev.devenv.created': '1970-01-01T00:00:00.000Z',
      'dev.devenv.working-dir': '/home/alice/myapp',
      'dev.devenv.compose-files': '/home/alice/myapp/compose.yaml',
      'dev.devenv.version': '0.1.0',
      'dev.devenv.ephemeral': 'true',
      'dev.devenv.ttl-seconds': '3600',
      'dev.devenv.owner-pid': '42',
      'dev.devenv.owner-host': 'laptop',
    });
    expect(labels[Labels.branchSlug]).toMatch(/^feature-x-[0-9a-f]{8}$/);
    expect(labels[Labels.ownerSlug]).toBe('alice');
    expect(labels[Labels.workingDirHash]).toBe(workingDirHash('/home/alice/myapp'));
  });

  it('splits the stack labels: the stack name and ephemeral select, free-form values annotate', () => {
    const { selectors, annotations } = stackLabels(input());
    expect(Object.keys(selectors).sort()).toEqual(
      [Labels.stack, Labels.ephemeral, Labels.workingDirHash, Labels.branchSlug, Labels.ownerSlug].sort(),
    );
    expect(selectors[Labels.stack]).toBe(input().identity.name);
    expect(selectors[Labels.ephemeral]).toBe('true');
    for (const key of Object.keys(annotations)) expect(isSelectorKey(key), key).toBe(false);
    const lasting = stackLabels(input({ lifetime: { ephemeral: false } }));
    expect(lasting.selectors[Labels.ephemeral]).toBeUndefined();
  });

  it('gives a directory one short working-dir-hash, another directory another', () => {
    const hash = stackLabels(input()).selectors[Labels.workingDirHash]!;
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(stackLabels(input({ createdAt: new Date(5) })).selectors[Labels.workingDirHash]).toBe(hash);
    expect(stackLabels(input({ workingDir: '/home/alice/other' })).selectors[Labels.workingDirHash]).not.toBe(
      hash,
    );
  });

  it('labels a service by its name (annotation) and a valid form of it (selector)', () => {
    expect(serviceLabels('db')).toEqual({
      selectors: { [Labels.serviceSlug]: 'db' },
      annotations: { [Labels.service]: 'db' },
    });
    // Compose allows a trailing "_" and any length; a selector value does not.
    expect(serviceLabels('worker_').selectors[Labels.serviceSlug]).toMatch(/^worker-[0-9a-f]{8}$/);
    expect(serviceLabels('s'.repeat(80)).selectors[Labels.serviceSlug]).toHaveLength(63);
  });

  it('writes only valid selector values, whatever the identity, directory or service', () => {
    const values = randomStrings(400, 0x1abe1);
    for (let i = 0; i < values.length; i += 4) {
      const [project, owner, branch, dir] = values.slice(i, i + 4) as [string, string, string, string];
      const explicit = i % 8 === 0 ? { explicitName: branch } : {};
      const set = stackLabels(
        input({ identity: stackIdentity({ project, owner, branch, ...explicit }), workingDir: dir }),
      );
      for (const labels of [set, serviceLabels(project || 'x')]) {
        for (const [key, value] of Object.entries(labels.selectors)) {
          expect(isSelectorValue(value), `${key}=${JSON.stringify(value)}`).toBe(true);
        }
      }
      expect(() => engineLabels(set, serviceLabels(owner || 'x'))).not.toThrow();
    }
  });

  it('uses selector keys that are valid label keys on a stricter engine (name part of a Kubernetes key)', () => {
    for (const key of SELECTOR_KEYS) expect(isSelectorValue(key), key).toBe(true);
    for (const key of DERIVED_SELECTOR_KEYS) expect(SELECTOR_KEYS.has(key), key).toBe(true);
  });

  it('merges selectors and annotations into engine labels, refusing what a stricter engine could not select by', () => {
    expect(
      engineLabels(
        { selectors: { [Labels.stack]: 's1' }, annotations: { [Labels.branch]: 'feature/x' } },
        { annotations: { [Labels.network]: 's1_default' } },
      ),
    ).toEqual({ [Labels.stack]: 's1', [Labels.branch]: 'feature/x', [Labels.network]: 's1_default' });
    expect(() => engineLabels({ selectors: { [Labels.stack]: 'feature/x' } })).toThrow(
      /not a valid selector value/,
    );
    expect(() => engineLabels({ selectors: { [Labels.branch]: 'main' } })).toThrow(/not a selector key/);
    expect(() => engineLabels({ annotations: { [Labels.stack]: 's1' } })).toThrow(/is a selector key/);
  });
});

describe('proxy and preview labels', () => {
  it('selects routed stacks by proxy port and previews by a flag; the repository is an annotation', async () => {
    const { stackLabels, Labels, engineLabels } = await import('../../../src/core/stack/labels.js');
    const { stackFacts } = await import('../../../src/core/stack/label-facts.js');
    const { previewIdentity } = await import('../../../src/core/preview/preview.js');
    const set = stackLabels({
      identity: previewIdentity('shop', 'feature/x'),
      createdAt: new Date(0),
      workingDir: '/cache/previews/shop/feature-x/shop',
      composeFiles: ['compose.yaml'],
      lifetime: { ephemeral: false },
      version: '0.1.0',
      proxyPort: 8780,
      preview: { repository: '/home/alice/shop' },
    });
    expect(set.selectors[Labels.proxy]).toBe('8780');
    expect(set.selectors[Labels.preview]).toBe('true');
    expect(set.annotations[Labels.previewRepo]).toBe('/home/alice/shop');
    const facts = stackFacts(engineLabels(set));
    expect(facts.proxyPort).toBe(8780);
    expect(facts.preview).toEqual({ repository: '/home/alice/shop' });
    expect(facts.owner).toBe('preview');
  });
});
