import { describe, expect, it } from 'vitest';
import { effectiveTriggerRules, FULL_RUN_FILES } from '../../../src/core/affected/default-triggers.js';
import {
  selectAffectedTests,
  type AffectedInput,
  type ImportChain,
} from '../../../src/core/affected/select-tests.js';
import { defaultDevenvConfig } from '../../../src/core/config/parse-devenv-config.js';

const tests: AffectedInput['tests'] = [
  { file: 'test/unit/math.test.ts', kind: 'unit' },
  { file: 'test/unit/strings.test.ts', kind: 'unit' },
  { file: 'test/integration/users.test.ts', kind: 'integration' },
];

const graph = new Map<string, ImportChain[]>([
  [
    'src/math.ts',
    [{ test: 'test/unit/math.test.ts', chain: ['src/math.ts', 'src/index.ts', 'test/unit/math.test.ts'] }],
  ],
  [
    'src/db.ts',
    [{ test: 'test/integration/users.test.ts', chain: ['src/db.ts', 'test/integration/users.test.ts'] }],
  ],
]);

function select(changed: string[], overrides: Partial<AffectedInput> = {}): string[] {
  const config = defaultDevenvConfig();
  const result = selectAffectedTests({
    changed,
    tests,
    rules: effectiveTriggerRules(config, ['compose.yaml']),
    importChains: graph,
    fullRunFiles: FULL_RUN_FILES,
    ...overrides,
  });
  return [
    ...result.selected.map((file) => `${file.file} [${file.kind}] <- ${file.reasons.join('; ')}`),
    ...result.actions.map((action) => `action ${action.action} (${action.files.join(', ')})`),
    ...result.unmatched.map((file) => `unmatched ${file}`),
  ];
}

describe('selectAffectedTests', () => {
  it('selects the tests that import a changed source file, with the chain', () => {
    expect(select(['src/math.ts'])).toEqual([
      'test/unit/math.test.ts [unit] <- imports src/math.ts (src/math.ts <- src/index.ts <- test/unit/math.test.ts)',
    ]);
  });

  it('selects a changed test file by itself', () => {
    expect(select(['test/unit/strings.test.ts'])).toEqual(['test/unit/strings.test.ts [unit] <- changed']);
  });

  it('selects everything when a config file or lockfile changes', () => {
    expect(select(['package-lock.json'])).toEqual([
      'test/integration/users.test.ts [integration] <- config package-lock.json changed -> all',
      'test/unit/math.test.ts [unit] <- config package-lock.json changed -> all',
      'test/unit/strings.test.ts [unit] <- config package-lock.json changed -> all',
    ]);
    expect(select(['vitest.config.ts'])).toHaveLength(3);
    expect(select(['tsconfig.build.json'])).toHaveLength(3);
  });

  it('runs integration tests and rebuilds the test database when a migration changes', () => {
    expect(select(['migrations/002_users.sql'])).toEqual([
      'test/integration/users.test.ts [integration] <- rule migrations/**, seed/**, seeds/** -> integration (migrations/002_users.sql)',
      'action rebuild-test-database (migrations/002_users.sql)',
    ]);
  });

  it('runs integration tests and asks for a reconcile when the compose template changes', () => {
    expect(select(['compose.yaml'])).toEqual([
      'test/integration/users.test.ts [integration] <- rule compose.yaml -> integration (compose.yaml)',
      'action reconcile-stack (compose.yaml)',
    ]);
  });

  it('runs everything when a .env file changes', () => {
    expect(select(['.env.local'])).toHaveLength(3);
  });

  it('applies project rules that name test files', () => {
    const config = defaultDevenvConfig();
    config.triggers = [{ files: ['test/fixtures/**'], run: ['test/unit/strings.test.ts'] }];
    expect(select(['test/fixtures/words.json'], { rules: effectiveTriggerRules(config, []) })).toEqual([
      'test/unit/strings.test.ts [unit] <- rule test/fixtures/** -> test/unit/strings.test.ts (test/fixtures/words.json)',
    ]);
  });

  it('merges reasons and reports files that select nothing', () => {
    expect(select(['src/math.ts', 'test/unit/math.test.ts', 'README.md'])).toEqual([
      'test/unit/math.test.ts [unit] <- imports src/math.ts (src/math.ts <- src/index.ts <- test/unit/math.test.ts); changed',
      'unmatched README.md',
    ]);
  });

  it('never selects a test file that no longer exists', () => {
    expect(select(['test/unit/gone.test.ts'])).toEqual(['unmatched test/unit/gone.test.ts']);
  });
});
