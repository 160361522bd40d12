/**
 * The contract for integration-test databases ("migrate once, clone many"):
 * before an integration run, the test scheduler asks for a fresh database and
 * gets the environment overrides (e.g. DATABASE_URL) that point at it
 * (implemented by app/testing/template-database).
 */
export interface TestDatabaseLease {
  /** Environment variables to inject into the test run (e.g. { DATABASE_URL: '...fresh copy...' }). */
  env: Record<string, string>;
  /** Drops the copy (called after the run, cancelled or not). */
  release(): Promise<void>;
}

export interface TestDatabaseProvider {
  /** A fresh copy of the template database, rebuilding the template first if its key changed. */
  lease(runId: string, signal: AbortSignal): Promise<TestDatabaseLease>;
  /** Forces the template to be rebuilt on the next lease (a migration or seed file changed). */
  invalidate(): void;
}
