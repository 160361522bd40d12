import { describe, expect, it } from 'vitest';
import { stackIdentity } from '../../../src/core/stack/identity.js';
import {
  boundedLabelValue,
  Labels,
  MAX_LABEL_VALUE,
  stackLabels,
  type StackLabelInput,
} from '../../../src/core/stack/labels.js';

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
    const labels = stackLabels(input());
    expect(labels[Labels.workingDir]).toBe('/home/alice/myapp');
    expect(labels[Labels.composeFiles]).toBe('/home/alice/myapp/compose.yaml');
    expect(labels[Labels.project]).toBe('myapp');
    expect(boundedLabelValue('x'.repeat(MAX_LABEL_VALUE))).toBe('x'.repeat(MAX_LABEL_VALUE));
  });

  it('bounds every stack label, however long the project, branch, owner, directory or file list', () => {
    const long = (seed: string) => seed.repeat(200_000);
    const labels = stackLabels(
      input({
        identity: stackIdentity({ project: long('p'), owner: long('o'), branch: long('b') }),
        workingDir: `/${long('d')}`,
        composeFiles: Array.from({ length: 5000 }, (_, i) => `/work/project/stack/compose.part-${i}.yaml`),
      }),
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
