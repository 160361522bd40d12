import { describe, expect, it } from 'vitest';
import { stackIdentity } from '../../../src/core/stack/identity.js';
import { stackFacts } from '../../../src/core/stack/label-facts.js';
import { engineLabels, Labels, stackLabels } from '../../../src/core/stack/labels.js';

const base = { project: 'shop', owner: 'alice', branch: 'main' };

function labelsOf(environment: string): Record<string, string> {
  return engineLabels(
    stackLabels({
      identity: stackIdentity({ ...base, environment }),
      createdAt: new Date(0),
      workingDir: '/w',
      composeFiles: ['/w/compose.yaml'],
      lifetime: { ephemeral: false },
      version: '0',
    }),
  );
}

describe('stack identity with an environment', () => {
  it('keeps the name of a dev stack as it was before environments', () => {
    expect(stackIdentity({ ...base, environment: 'dev' }).name).toBe(stackIdentity(base).name);
    expect(stackIdentity(base).environment).toBe('dev');
  });

  it('gives every other environment of one branch its own stack, naming the environment', () => {
    const dev = stackIdentity({ ...base, environment: 'dev' });
    const test = stackIdentity({ ...base, environment: 'test' });
    const staging = stackIdentity({ ...base, environment: 'staging' });
    expect(test.name).toMatch(/^shop-main-test-alice-[0-9a-f]{6}$/);
    expect(new Set([dev.name, test.name, staging.name]).size).toBe(3);
    expect(test).toMatchObject({ ...base, environment: 'test' });
  });

  it('labels a non-dev stack with its environment, and reads dev for stacks without the label', () => {
    expect(labelsOf('test')[Labels.environment]).toBe('test');
    expect(stackFacts(labelsOf('test')).environment).toBe('test');
    expect(labelsOf('dev')[Labels.environment]).toBeUndefined();
    expect(stackFacts(labelsOf('dev')).environment).toBe('dev');
  });
});
