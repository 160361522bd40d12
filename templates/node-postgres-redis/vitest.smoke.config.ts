import { defineConfig } from 'vitest/config';

// Smoke tests: the running app over HTTP (APP_HOST and APP_PORT from `devenv env`), after a deploy.
export default defineConfig({
  test: { include: ['smoke/**/*.smoke.ts'], testTimeout: 30_000 },
});
