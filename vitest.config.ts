import { defineConfig } from 'vitest/config';

// Projects: unit (pure core, seconds), ui (the ink dashboard, seconds), integration (real Docker engine), e2e (the CLI as a user runs it),
// reliability (fuzzed and hostile input; FUZZ_RUNS cases per target, `npm run reliability` runs the full count).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'ui', include: ['test/ui/**/*.test.{ts,tsx}'] } },
      { test: { name: 'reliability', include: ['test/reliability/**/*.test.ts'], testTimeout: 600_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/build-once.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
