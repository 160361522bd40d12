import { defineConfig } from 'vitest/config';

// unit: no stack at all (fakes for Postgres and Redis). integration: the real Postgres and Redis of
// the stack; `devenv test` gives them DATABASE_URL (a fresh copy of the migrated, seeded database)
// and REDIS_URL pointing at the stack's published ports.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000 } },
    ],
  },
});
