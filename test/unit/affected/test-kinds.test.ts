import { describe, expect, it } from 'vitest';
import { classifyTestFiles } from '../../../src/core/affected/test-kinds.js';
import { defaultDevenvConfig } from '../../../src/core/config/parse-devenv-config.js';

describe('classifyTestFiles', () => {
  it('by default, test/integration/** is integration and every other test file is unit (a project with tests beside its sources)', () => {
    const result = classifyTestFiles(
      [
        { file: 'test/unit/a.test.ts', project: '' },
        { file: 'test/integration/db.test.ts', project: '' },
        { file: 'src/b.test.ts', project: '' },
      ],
      defaultDevenvConfig().tests,
    );
    expect(result.tests).toEqual([
      { file: 'src/b.test.ts', kind: 'unit' },
      { file: 'test/integration/db.test.ts', kind: 'integration' },
      { file: 'test/unit/a.test.ts', kind: 'unit' },
    ]);
    expect(result.unclassified).toEqual([]);
    expect(result.by).toBe('globs');
  });

  it('uses vitest projects named unit and integration when devenv.yaml sets no globs', () => {
    const result = classifyTestFiles(
      [
        { file: 'spec/a.test.ts', project: 'unit' },
        { file: 'spec/db.test.ts', project: 'integration' },
        { file: 'spec/cli.test.ts', project: 'e2e' },
      ],
      defaultDevenvConfig().tests,
    );
    expect(result.tests.map((t) => `${t.file}:${t.kind}`)).toEqual([
      'spec/a.test.ts:unit',
      'spec/db.test.ts:integration',
    ]);
    expect(result.unclassified).toEqual(['spec/cli.test.ts']);
  });

  it('prefers explicit globs over project names', () => {
    const tests = { unit: ['spec/**'], integration: ['it/**'], explicit: true };
    const result = classifyTestFiles([{ file: 'spec/db.test.ts', project: 'integration' }], tests);
    expect(result.tests).toEqual([{ file: 'spec/db.test.ts', kind: 'unit' }]);
  });
});
