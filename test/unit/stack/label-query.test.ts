import { describe, expect, it } from 'vitest';
import { stackFacts } from '../../../src/core/stack/label-facts.js';
import { directoryStacksQuery } from '../../../src/core/stack/label-query.js';
import { engineLabels, Labels, serviceLabels, stackLabels } from '../../../src/core/stack/labels.js';
import { stackIdentity } from '../../../src/core/stack/identity.js';

const identity = stackIdentity({ project: 'myapp', owner: 'alice', branch: 'feature/x' });
const current = engineLabels(
  stackLabels({
    identity,
    createdAt: new Date(0),
    workingDir: '/home/alice/myapp',
    composeFiles: ['/home/alice/myapp/compose.yaml'],
    lifetime: { ephemeral: false },
    version: '0.1.0',
  }),
  serviceLabels('db'),
);
/** As devenv labelled a container before the derived selectors existed. */
const legacy = {
  'dev.devenv.stack': identity.name,
  'dev.devenv.project': 'myapp',
  'dev.devenv.branch': 'feature/x',
  'dev.devenv.owner': 'alice',
  'dev.devenv.created': '1970-01-01T00:00:00.000Z',
  'dev.devenv.working-dir': '/home/alice/myapp',
  'dev.devenv.compose-files': '/home/alice/myapp/compose.yaml',
  'dev.devenv.version': '0.1.0',
  'dev.devenv.service': 'db',
  'dev.devenv.stop-timeout': '2',
};
const container = (labels: Record<string, string>) => ({ name: `${identity.name}-db-1`, labels });

/** Whether a selector picks these labels, as an engine matches it. */
const selects = (selector: Record<string, string | true>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => (value === true ? key in labels : labels[key] === value));

describe("the query for a directory's stacks", () => {
  const query = directoryStacksQuery({
    workingDir: '/home/alice/myapp',
    branch: 'feature/x',
    owner: 'alice',
  });

  it("select a directory's stacks by derived selectors only, every value valid", () => {
    expect(Object.keys(query.selector).sort()).toEqual(
      [Labels.workingDirHash, Labels.branchSlug, Labels.ownerSlug].sort(),
    );
    expect(selects(query.selector, current)).toBe(true);
    expect(() => engineLabels({ selectors: query.selector })).not.toThrow();
    expect(query.legacyMatch(container(current))).toBe(false);
  });

  it('find the stacks labelled before the derived selectors by their annotations', () => {
    expect(selects(query.selector, legacy)).toBe(false);
    expect(selects(query.legacySelector, legacy)).toBe(true);
    expect(query.legacyMatch(container(legacy))).toBe(true);
    for (const other of [
      { workingDir: '/home/alice/other', branch: 'feature/x', owner: 'alice' },
      { workingDir: '/home/alice/myapp', branch: 'feature-x', owner: 'alice' },
      { workingDir: '/home/alice/myapp', branch: 'feature/x', owner: 'bob' },
    ]) {
      expect(directoryStacksQuery(other).legacyMatch(container(legacy)), JSON.stringify(other)).toBe(false);
      expect(selects(directoryStacksQuery(other).selector, current), JSON.stringify(other)).toBe(false);
    }
  });

  it('tell facts of resources with derived selectors from older ones', () => {
    expect(stackFacts(current).hasDerivedSelectors).toBe(true);
    expect(stackFacts(legacy)).toMatchObject({
      hasDerivedSelectors: false,
      branch: 'feature/x',
      workingDir: '/home/alice/myapp',
    });
  });
});
