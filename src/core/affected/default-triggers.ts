/**
 * What imports cannot see, by default: files whose change selects every test
 * (tool configuration, lockfiles), and trigger rules for migrations, seeds,
 * the compose template and .env files. devenv.yaml's `triggers:` come first.
 */
import type { DevenvConfig, TriggerRule } from '../config/devenv-config.js';

/** Changing one of these can change how every test behaves. */
export const FULL_RUN_FILES = [
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'bun.lockb',
  'tsconfig*.json',
  '{vitest,vite}.config.{ts,mts,cts,js,mjs,cjs}',
  'vitest.{workspace,projects}.{ts,mts,js,mjs,json}',
  'devenv.yaml',
];

/** Migrations and seed data feed the test database; nothing imports them. */
export const DATABASE_INPUTS = ['migrations/**', 'seed/**', 'seeds/**'];

/**
 * The rules in effect: the project's own, then the defaults.
 * composeFiles are the compose template files, relative to the project root.
 */
export function effectiveTriggerRules(config: DevenvConfig, composeFiles: readonly string[]): TriggerRule[] {
  const databaseInputs = [...new Set([...DATABASE_INPUTS, ...(config.database?.inputs ?? [])])];
  const rules: TriggerRule[] = [
    ...config.triggers,
    { files: databaseInputs, run: 'integration', action: 'rebuild-test-database' },
  ];
  if (composeFiles.length > 0)
    rules.push({ files: [...composeFiles], run: 'integration', action: 'reconcile-stack' });
  rules.push({ files: ['.env', '.env.*'], run: 'all' });
  return rules;
}
